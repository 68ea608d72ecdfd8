// Category scores from the policy's signal words, and how much an issue speaks of the OFN app.
import type { Policy } from "../registry/policy.js";
import { phrasePattern, type PhraseSet } from "./phrases.js";
import { lexiconOf } from "./lexicon.js";
import { policyPhraseSet } from "./policy-phrases.js";
import { memoize, stripMarks } from "./text.js";
import { CATEGORIES, type Category } from "../registry/vocabulary.js";

/** The title says what the issue is about; it counts this many times a body mention. */
const TITLE_WEIGHT = 2;
const STRONG_WEIGHT = 3;
/** Below this score a category is a guess, and we ask rather than guess. */
export const MIN_CATEGORY_SCORE = 3;

interface CategoryMatcher {
  category: Category;
  strong: PhraseSet;
  signals: PhraseSet;
}

const matchersFor = memoize((policy: Policy): CategoryMatcher[] =>
  CATEGORIES.map((category) => ({
    category,
    strong: policyPhraseSet(policy, lexiconOf(policy).categories[category].strong),
    signals: policyPhraseSet(policy, lexiconOf(policy).categories[category].signals),
  })),
);

export type Scores = Record<Category, number>;

export interface IssueScores {
  /** Title and body together. */
  all: Scores;
  /** The title alone (weighted as in `all`). */
  title: Scores;
}

function weigh(strong: PhraseSet, signals: PhraseSet, text: string): number {
  return STRONG_WEIGHT * strong.found(text).length + signals.found(text).length;
}

/** Score every category: distinct strong signals count 3, others 1; the title counts double. */
export function scoreCategories(title: string, body: string, policy: Policy): IssueScores {
  const all = {} as Scores;
  const inTitle = {} as Scores;
  for (const m of matchersFor(policy)) {
    inTitle[m.category] = TITLE_WEIGHT * weigh(m.strong, m.signals, title);
    all[m.category] = inTitle[m.category] + weigh(m.strong, m.signals, body);
  }
  return { all, title: inTitle };
}

const productFor = memoize((policy: Policy) => ({
  strong: policyPhraseSet(policy, lexiconOf(policy).product.strong),
  signals: policyPhraseSet(policy, lexiconOf(policy).product.signals),
}));

/** How much the issue speaks of the OFN app's own features, scored like a category. */
export function scoreProduct(title: string, body: string, policy: Policy): number {
  const { strong, signals } = productFor(policy);
  return TITLE_WEIGHT * weigh(strong, signals, title) + weigh(strong, signals, body);
}

const everydayFor = memoize((policy: Policy) => {
  const { everyday } = lexiconOf(policy);
  const pattern = everyday.length ? new RegExp(everyday.map(phrasePattern).join("|"), "gi") : null;
  // Most texts hold none: the shared word index says so without scanning the text again.
  return { pattern, present: policyPhraseSet(policy, everyday) };
});

/**
 * The text without accents and without everyday phrases whose words would read as signals ("slow
 * things down", "ça tombe bien"), in its own case: short codes are read by their case.
 */
export function withoutEveryday(text: string, policy: Policy): string {
  const { pattern, present } = everydayFor(policy);
  const plain = stripMarks(text);
  return pattern && present.has(plain) ? plain.replace(pattern, " ") : plain;
}

/** The best category that can enter the pipe, or null when nothing scores enough. */
export function bestCategory(scores: IssueScores, policy: Policy): Category | null {
  let best: Category | null = null;
  for (const category of CATEGORIES) {
    if (policy.not_pipe.includes(category) || category === "other") continue;
    // Ties go to the earlier category in the vocabulary, which lists the more specific first.
    if (
      scores.all[category] >= MIN_CATEGORY_SCORE &&
      (best === null || scores.all[category] > scores.all[best])
    ) {
      best = category;
    }
  }
  return best && policy.categories[best].generic ? (namedInTitle(scores, policy) ?? best) : best;
}

/**
 * "Add zapier configs to ca-prod" is integration work: a generic category (`generic: true`,
 * configuration) gives way to a specific one whose strong word the title holds.
 */
function namedInTitle(scores: IssueScores, policy: Policy): Category | null {
  const strongInTitle = TITLE_WEIGHT * STRONG_WEIGHT;
  const specific = CATEGORIES.filter(
    (c) =>
      !policy.categories[c].generic &&
      !policy.not_pipe.includes(c) &&
      c !== "other" &&
      scores.title[c] >= strongInTitle,
  );
  // The one the title speaks of most; ties to the earlier, more specific category.
  return specific.reduce<Category | null>(
    (best, c) => (best === null || scores.title[c] > scores.title[best] ? c : best),
    null,
  );
}

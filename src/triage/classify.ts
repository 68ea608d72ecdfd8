// Category scores from the policy's signal words, and the kind of issue (instance / install / other).
import type { Policy } from "../registry/policy.js";
import type { PhraseSet } from "./phrases.js";
import { policyPhraseSet } from "./policy-phrases.js";
import { memoize } from "./text.js";
import { CATEGORIES, type Category, type Kind } from "./vocabulary.js";

/** The title says what the issue is about; it counts this many times a body mention. */
const TITLE_WEIGHT = 2;
const STRONG_WEIGHT = 3;
/** Below this score a category is a guess, and we ask rather than guess. */
export const MIN_CATEGORY_SCORE = 3;

/** Categories that describe a live problem on an instance's server (worth asking about). */
const SYMPTOMS: readonly Category[] = [
  "outage",
  "dns",
  "email",
  "ssl",
  "backup",
  "monitoring",
  "integration",
  "performance",
];

interface CategoryMatcher {
  category: Category;
  strong: PhraseSet;
  signals: PhraseSet;
}

const matchersFor = memoize((policy: Policy): CategoryMatcher[] =>
  CATEGORIES.map((category) => ({
    category,
    strong: policyPhraseSet(policy, policy.categories[category].strong),
    signals: policyPhraseSet(policy, policy.categories[category].signals),
  })),
);

export type Scores = Record<Category, number>;

/** Score every category: distinct strong signals count 3, others 1; the title counts double. */
export function scoreCategories(title: string, body: string, policy: Policy): Scores {
  const scores = {} as Scores;
  for (const m of matchersFor(policy)) {
    const inText = (text: string) =>
      STRONG_WEIGHT * m.strong.found(text).length + m.signals.found(text).length;
    scores[m.category] = TITLE_WEIGHT * inText(title) + inText(body);
  }
  return scores;
}

/** The best category that can enter the pipe, or null when nothing scores enough. */
export function bestCategory(scores: Scores, policy: Policy): Category | null {
  let best: Category | null = null;
  for (const category of CATEGORIES) {
    if (policy.not_pipe.includes(category) || category === "other") continue;
    // Ties go to the earlier category in the vocabulary, which lists the more specific first.
    if (
      scores[category] >= MIN_CATEGORY_SCORE &&
      (best === null || scores[category] > scores[best])
    ) {
      best = category;
    }
  }
  return best;
}

export interface KindEvidence {
  repo: string;
  /** Instances from the form, the repository, or the title. */
  firmInstances: boolean;
  /** Instances named only in the body. */
  bodyInstances: boolean;
  scores: Scores;
  category: Category | null;
}

function toolingScore(scores: Scores, policy: Policy): number {
  return Math.max(0, ...policy.not_pipe.map((c) => scores[c]));
}

/**
 * Tell instance work from ofn-install's own backlog. An issue that names an instance in its
 * title (or form, or comes from an instance repo) is instance work. An instance named only in
 * the body may be an example in a tooling change. An issue that names no instance is instance
 * work only if it reports a live symptom (then we ask which instance); otherwise it belongs to
 * the repository it was filed in.
 */
export function decideKind(e: KindEvidence, policy: Policy): Kind {
  if (e.firmInstances) return "instance";
  const tooling = toolingScore(e.scores, policy);
  const best = e.category ? e.scores[e.category] : 0;
  if (e.bodyInstances) return tooling > best ? "install" : "instance";
  const symptom = e.category !== null && SYMPTOMS.includes(e.category) && best > tooling;
  if (symptom) return "instance";
  return e.repo.toLowerCase() === policy.watch.install_repo.toLowerCase() ? "install" : "other";
}

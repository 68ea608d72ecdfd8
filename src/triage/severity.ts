// Severity (S0–S3) and size (XS–L) from the text, when neither the form nor a person said.
import type { Policy } from "../registry/policy.js";
import type { PhraseSet } from "./phrases.js";
import { lexiconOf } from "./lexicon.js";
import { policyPhraseSet } from "./policy-phrases.js";
import { fold, folded, memoize, WORD_CHARS } from "./text.js";
import {
  isSeverity,
  SIZES,
  type Category,
  type Severity,
  type Size,
} from "../registry/vocabulary.js";

/** Verbs as one alternation on folded text; a trailing `*` takes any ending ("hozzaad*"). */
function verbAlternation(verbs: readonly string[]): string {
  return verbs
    .map((v) => fold(v.trim()).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .map((v) => v.replace(/\\\*$/, `[${WORD_CHARS}]*`))
    .join("|");
}

interface SeverityMatchers {
  s0: PhraseSet;
  broken: PhraseSet;
  degraded: PhraseSet;
  request: PhraseSet;
  staging: PhraseSet;
  production: PhraseSet;
  question: PhraseSet;
  verbs: RegExp | null;
  sizes: [Size, PhraseSet][];
}

const matchersFor = memoize((policy: Policy): SeverityMatchers => {
  const lexicon = lexiconOf(policy);
  const s = lexicon.severity;
  const verbs = verbAlternation(s.requestVerbs);
  const finalVerbs = verbAlternation(lexicon.finalVerbs);
  const atStart = verbs ? `^[^${WORD_CHARS}]*(?:${verbs})(?![${WORD_CHARS}])` : "";
  const atEnd = finalVerbs ? `(?<![${WORD_CHARS}])(?:${finalVerbs})[^${WORD_CHARS}]*$` : "";
  return {
    s0: policyPhraseSet(policy, s.s0),
    broken: policyPhraseSet(policy, s.broken),
    degraded: policyPhraseSet(policy, s.degraded),
    request: policyPhraseSet(policy, s.request),
    staging: policyPhraseSet(policy, s.staging),
    production: policyPhraseSet(policy, s.production),
    question: policyPhraseSet(policy, s.question),
    // "Add SSH key…", "[Upgrade Ubuntu] ca_prod", "SSH-Schlüssel hinzufügen": a request, not a
    // breakage. Tested on folded titles (see folded()).
    verbs: atStart || atEnd ? new RegExp([atStart, atEnd].filter(Boolean).join("|")) : null,
    sizes: SIZES.map((size): [Size, PhraseSet] => [
      size,
      policyPhraseSet(policy, lexicon.size[size]),
    ]),
  };
});

/** A title that ends with a question mark or starts with "Q:". */
const QUESTION = /[?？]\s*$|^\W*q:/i;

/**
 * A sentence of the body that is a question ("…or should we do something?"). The mark is looked
 * for first (the lookbehind keeps the scan cheap on a long body).
 */
const ASKED = /(?<=[\p{L}\p{N})] ?)[?？](?:\s|$)/u;

/** Greek writes its question mark as ";": a question only in a text written in Greek. */
const GREEK = /[\u0370-\u03ff]/;
const GREEK_QUESTION_END = /(?<=[\p{L}\p{N})] ?);\s*$/u;
const GREEK_ASKED = /(?<=[\p{L}\p{N})] ?);(?:\s|$)/u;

function isQuestion(title: string): boolean {
  return QUESTION.test(title) || (GREEK.test(title) && GREEK_QUESTION_END.test(title));
}

/** Code blocks and headings ("### What is happening?") ask nobody anything. */
const NOT_PROSE = /```[\s\S]*?(?:```|$)|^#{1,6}\s.*$/gm;

function asksInBody(body: string): boolean {
  // Most bodies hold no question mark at all: say so without the Unicode-aware patterns.
  const marked = body.includes("?") || body.includes("？");
  const greek = body.includes(";") && GREEK.test(body);
  if (!marked && !greek) return false;
  const prose = body.replace(NOT_PROSE, " ");
  return (marked && ASKED.test(prose)) || (greek && GREEK_ASKED.test(prose));
}

/** "bug-s2: a non-critical feature is broken": OFN's bug template, with one option kept. */
const BUG_TEMPLATE = /(?<![\p{L}\p{N}])bug-(s[0-3])(?![\p{L}\p{N}])/giu;

/** The one bug-template severity left in a body; none when the template's options all remain. */
function templateSeverity(body: string): string | undefined {
  // Most bodies have no template line: skip the Unicode-aware pattern for them.
  if (!folded(body).includes("bug-s")) return undefined;
  const found = new Set([...body.matchAll(BUG_TEMPLATE)].map((m) => m[1]!.toUpperCase()));
  return found.size === 1 ? [...found][0] : undefined;
}

/** "OFN UK Down - S0", "Severity: S1", "bug-s2: …": a severity the reporter wrote down. */
export function statedSeverity(title: string, body: string): Severity | undefined {
  const inTitle = /(?<![\p{L}\p{N}])(S[0-3])(?![\p{L}\p{N}])/u.exec(title)?.[1];
  const inBody = /severity\W{0,6}(S[0-3])(?![\p{L}\p{N}])/iu.exec(body)?.[1]?.toUpperCase();
  const stated = inTitle ?? inBody ?? templateSeverity(body);
  return stated && isSeverity(stated) ? stated : undefined;
}

/** Whether the text says production is down (an `s0_signals` phrase), for the kind decision. */
export function saysDown(title: string, body: string, policy: Policy): boolean {
  const { s0 } = matchersFor(policy);
  return s0.has(title) || s0.has(body);
}

/**
 * Whether the issue asks someone for work ("Could you renew…", "pourriez-vous…", a title or a
 * sentence that is a question): a person writing to the sysadmins, not a change to ofn-install
 * describing itself.
 */
export function asksForWork(title: string, body: string, policy: Policy): boolean {
  const { request, verbs } = matchersFor(policy);
  if (request.has(title) || request.has(body) || isQuestion(title)) return true;
  // Under a title that names a change ("Upgrade Postgres to 14"), a question in the body is
  // about the change ("Should we do the others next week?"), not a request to the sysadmins.
  const imperative = verbs?.test(folded(title)) ?? false;
  return !imperative && asksInBody(body);
}

/**
 * Whether the title reports trouble: something down, broken or degraded ("Emails land in spam"),
 * not only work that is wanted.
 */
export function titleReportsTrouble(title: string, policy: Policy): boolean {
  const { s0, broken, degraded } = matchersFor(policy);
  return s0.has(title) || broken.has(title) || degraded.has(title);
}

export interface SeverityReading {
  severity: Severity;
  why: string;
}

/**
 * Read severity from the text. S0 needs an outage of production; a planned request is S3
 * unless something is broken; otherwise the category's usual severity, capped at S2 when the
 * text says it is only degraded.
 */
export function readSeverity(
  title: string,
  body: string,
  category: Category | null,
  policy: Policy,
): SeverityReading {
  const m = matchersFor(policy);
  const inText = (set: PhraseSet) => set.has(title) || set.has(body);
  const usual: Severity = category ? policy.categories[category].severity : "S3";
  const stagingOnly = inText(m.staging) && !inText(m.production);
  if (category === "outage" && inText(m.s0)) {
    return stagingOnly
      ? { severity: "S1", why: "a staging server is down" }
      : { severity: "S0", why: "production looks down" };
  }
  // An imperative title ("Add…", "Make the certbot role…") names work to do: the body's
  // description of what fails today is context, so only the title can make it a breakage.
  const imperative = m.verbs?.test(folded(title)) ?? false;
  const broken = category === "outage" || (imperative ? m.broken.has(title) : inText(m.broken));
  const request =
    imperative || m.request.has(title) || (m.request.has(body) && !m.broken.has(title));
  if (request && !broken) return { severity: "S3", why: "it reads as a planned request" };
  const question = isQuestion(title) || m.question.has(title);
  if (question && !m.broken.has(title)) {
    return { severity: "S3", why: "it is a question" };
  }
  if (inText(m.degraded) && usual < "S2") {
    return { severity: "S2", why: "the service is degraded but still works" };
  }
  return { severity: usual, why: `that is the usual severity of ${category ?? "such"} requests` };
}

/** Size from the text's signals, else the category's usual size. */
export function readSize(
  title: string,
  body: string,
  category: Category | null,
  policy: Policy,
): Size {
  // Larger signals first: "a new instance from scratch" says L even if it also says "new server".
  for (const [size, phrases] of [...matchersFor(policy).sizes].reverse()) {
    if (phrases.has(title) || phrases.has(body)) return size;
  }
  return category ? policy.categories[category].size : "S";
}

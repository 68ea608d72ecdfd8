// Severity (S0–S3) and size (XS–L) from the text, when neither the form nor a person said.
import type { Policy } from "../registry/policy.js";
import type { PhraseSet } from "./phrases.js";
import { policyPhraseSet } from "./policy-phrases.js";
import { lower, memoize, WORD_CHARS } from "./text.js";
import {
  isSeverity,
  SIZES,
  type Category,
  type Severity,
  type Size,
} from "../registry/vocabulary.js";

interface SeverityMatchers {
  s0: PhraseSet;
  broken: PhraseSet;
  degraded: PhraseSet;
  request: PhraseSet;
  staging: PhraseSet;
  verbs: RegExp | null;
  sizes: [Size, PhraseSet][];
}

const matchersFor = memoize((policy: Policy): SeverityMatchers => {
  const s = policy.severity;
  const verbs = s.request_verbs.map((v) =>
    v
      .trim()
      .toLowerCase()
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
  );
  return {
    s0: policyPhraseSet(policy, s.s0_signals),
    broken: policyPhraseSet(policy, s.broken_signals),
    degraded: policyPhraseSet(policy, s.degraded_signals),
    request: policyPhraseSet(policy, s.request_signals),
    staging: policyPhraseSet(policy, s.staging_signals),
    // "Add SSH key…", "[Upgrade Ubuntu] ca_prod", "Q: How to…": a request, not a breakage.
    // Tested on lower-cased titles (see lower()).
    verbs: verbs.length ? new RegExp(`^\\W*(?:${verbs.join("|")})(?![${WORD_CHARS}])`) : null,
    sizes: SIZES.map((size): [Size, PhraseSet] => [
      size,
      policyPhraseSet(policy, policy.size.signals[size] ?? []),
    ]),
  };
});

const PRODUCTION = /\bprod(?:uction)?\b/i;

/** "bug-s2: a non-critical feature is broken": OFN's bug template, with one option kept. */
const BUG_TEMPLATE = /(?<![\p{L}\p{N}])bug-(s[0-3])(?![\p{L}\p{N}])/giu;

/** The one bug-template severity left in a body; none when the template's options all remain. */
function templateSeverity(body: string): string | undefined {
  // Most bodies have no template line: skip the Unicode-aware pattern for them.
  if (!lower(body).includes("bug-s")) return undefined;
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

/** Whether the title says something is broken or down (not only that work is wanted). */
export function titleSaysBroken(title: string, policy: Policy): boolean {
  const { s0, broken } = matchersFor(policy);
  return s0.has(title) || broken.has(title);
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
  const stagingOnly = inText(m.staging) && !PRODUCTION.test(title) && !PRODUCTION.test(body);
  if (category === "outage" && inText(m.s0)) {
    return stagingOnly
      ? { severity: "S1", why: "a staging server is down" }
      : { severity: "S0", why: "production looks down" };
  }
  // An imperative title ("Add…", "Make the certbot role…") names work to do: the body's
  // description of what fails today is context, so only the title can make it a breakage.
  const imperative = m.verbs?.test(lower(title)) ?? false;
  const broken = category === "outage" || (imperative ? m.broken.has(title) : inText(m.broken));
  const request =
    imperative || m.request.has(title) || (m.request.has(body) && !m.broken.has(title));
  if (request && !broken) return { severity: "S3", why: "it reads as a planned request" };
  if (/\?\s*$|^\W*q:|\bhow (?:to|do)\b/i.test(title) && !m.broken.has(title)) {
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

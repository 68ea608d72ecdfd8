// One phrase index per policy, shared by the classifiers (categories, severity, size), so each
// title and body is read once for all of them instead of once per phrase list.
import type { Policy } from "../registry/policy.js";
import { PhraseIndex, PhraseSet } from "./phrases.js";
import { lexiconOf } from "./lexicon.js";
import { memoize } from "./text.js";

const indexOf = memoize((policy: Policy) => {
  const { pluralEndings } = lexiconOf(policy);
  return new PhraseIndex([], (word) => pluralEndings.get(word));
});

/** A list of the policy's phrases, matched through the policy's shared index. */
export function policyPhraseSet(policy: Policy, phrases: readonly string[]): PhraseSet {
  return new PhraseSet(phrases, indexOf(policy));
}

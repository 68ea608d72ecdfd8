// The words triage reads, in every language at once: the English lists of signals.yml with each
// language block's words added, and the plural endings each word may take. The classifiers read
// this, never the language blocks, so a translator's block changes what is read and nothing else.
import type { Language, Policy } from "../registry/policy.js";
import { fold, memoize } from "./text.js";
import { CATEGORIES, SIZES, type Category, type Size } from "../registry/vocabulary.js";

type Words = readonly string[];

export interface Lexicon {
  categories: Record<Category, { strong: Words; signals: Words }>;
  severity: Record<(typeof SEVERITY_LISTS)[number], Words>;
  size: Record<Size, Words>;
  product: { strong: Words; signals: Words };
  /** Request verbs that may also end a title, in languages that put the verb last. */
  finalVerbs: Words;
  everyday: Words;
  contextWords: Words;
  languageNames: Words;
  languageWords: Words;
  languageVerbs: Words;
  /** Words that list instances side by side ("FR and BE", "FR et BE"). */
  listWords: Words;
  /** The endings a word's plural may add, by the folded word (English's and its own language's). */
  pluralEndings: ReadonlyMap<string, readonly string[]>;
  /** Every language's plural endings, for the few patterns that are not word lists. */
  allEndings: Words;
}

/** A record with one entry per key (the vocabularies' keys, never text from outside). */
function byKey<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, value(k)])) as Record<K, V>;
}

const SEVERITY_LISTS = [
  "s0",
  "broken",
  "degraded",
  "request",
  "requestVerbs",
  "staging",
  "production",
  "question",
] as const;

const union = (...lists: (Words | undefined)[]): string[] => [
  ...new Set(lists.flatMap((l) => l ?? [])),
];

/** The English block, when the file has one, only says English's plural endings. */
const ENGLISH = "en";
/** English's, for a signals.yml written before languages had blocks. */
const ENGLISH_ENDINGS = ["s", "es"];

function languageBlocks(policy: Policy): Language[] {
  return Object.entries(policy.languages)
    .filter(([code]) => code !== ENGLISH)
    .map(([, block]) => block);
}

/** Each word of a list gets the endings of the language it is written in. */
function addEndings(endings: Map<string, string[]>, words: Words | undefined, plural: Words): void {
  if (!plural.length) return;
  for (const word of words ?? []) {
    if (word.endsWith("*")) continue;
    const key = fold(word.trim());
    endings.set(key, union(endings.get(key), plural));
  }
}

/** Every list of words a language block (or the English lists) holds, for plural endings. */
function wordListsOf(lexicon: Omit<Lexicon, "pluralEndings" | "allEndings">): Words[] {
  return [
    ...CATEGORIES.flatMap((c) => [lexicon.categories[c].strong, lexicon.categories[c].signals]),
    ...Object.values(lexicon.severity),
    ...SIZES.map((s) => lexicon.size[s]),
    lexicon.product.strong,
    lexicon.product.signals,
    lexicon.contextWords,
  ];
}

function englishLists(policy: Policy): Omit<Lexicon, "pluralEndings" | "allEndings"> {
  const s = policy.severity;
  return {
    categories: byKey(CATEGORIES, (c) => ({
      strong: policy.categories[c].strong,
      signals: policy.categories[c].signals,
    })),
    severity: {
      s0: s.s0_signals,
      broken: s.broken_signals,
      degraded: s.degraded_signals,
      request: s.request_signals,
      requestVerbs: s.request_verbs,
      staging: s.staging_signals,
      production: s.production_signals,
      question: s.question_signals,
    },
    size: byKey(SIZES, (z) => policy.size.signals[z] ?? []),
    product: policy.kind.product,
    finalVerbs: [],
    everyday: policy.kind.everyday_phrases,
    contextWords: policy.instances.context_words,
    languageNames: policy.instances.languages,
    languageWords: policy.instances.language_words,
    languageVerbs: policy.instances.language_verbs,
    listWords: policy.instances.list_words,
  };
}

/** One language block as lists in the lexicon's shape. */
function blockLists(block: Language): Omit<Lexicon, "pluralEndings" | "allEndings"> {
  const s = block.severity;
  return {
    categories: byKey(CATEGORIES, (c) => ({
      strong: block.categories[c]?.strong ?? [],
      signals: block.categories[c]?.signals ?? [],
    })),
    severity: {
      s0: s.s0_signals ?? [],
      broken: s.broken_signals ?? [],
      degraded: s.degraded_signals ?? [],
      request: s.request_signals ?? [],
      requestVerbs: s.request_verbs ?? [],
      staging: s.staging_signals ?? [],
      production: s.production_signals ?? [],
      question: s.question_signals ?? [],
    },
    size: byKey(SIZES, (z) => block.size[z] ?? []),
    product: { strong: block.product.strong ?? [], signals: block.product.signals ?? [] },
    finalVerbs: block.verb_last ? (s.request_verbs ?? []) : [],
    everyday: block.everyday_phrases,
    contextWords: block.context_words,
    languageNames: [block.name, ...block.names],
    languageWords: block.language_words,
    languageVerbs: block.language_verbs,
    listWords: block.list_words,
  };
}

function merge(
  a: Omit<Lexicon, "pluralEndings" | "allEndings">,
  b: Omit<Lexicon, "pluralEndings" | "allEndings">,
): Omit<Lexicon, "pluralEndings" | "allEndings"> {
  return {
    categories: byKey(CATEGORIES, (c) => ({
      strong: union(a.categories[c].strong, b.categories[c].strong),
      signals: union(a.categories[c].signals, b.categories[c].signals),
    })),
    severity: byKey(SEVERITY_LISTS, (k) => union(a.severity[k], b.severity[k])),
    size: byKey(SIZES, (z) => union(a.size[z], b.size[z])),
    product: {
      strong: union(a.product.strong, b.product.strong),
      signals: union(a.product.signals, b.product.signals),
    },
    finalVerbs: union(a.finalVerbs, b.finalVerbs),
    everyday: union(a.everyday, b.everyday),
    contextWords: union(a.contextWords, b.contextWords),
    languageNames: union(a.languageNames, b.languageNames),
    languageWords: union(a.languageWords, b.languageWords),
    languageVerbs: union(a.languageVerbs, b.languageVerbs),
    listWords: union(a.listWords, b.listWords),
  };
}

/** The policy's words in every language it has, merged (computed once per policy). */
export const lexiconOf = memoize((policy: Policy): Lexicon => {
  const english = englishLists(policy);
  const endings = new Map<string, string[]>();
  const englishEndings = policy.languages[ENGLISH]?.plural_endings ?? ENGLISH_ENDINGS;
  for (const list of wordListsOf(english)) addEndings(endings, list, englishEndings);
  let merged = english;
  for (const block of languageBlocks(policy)) {
    const lists = blockLists(block);
    for (const list of wordListsOf(lists)) addEndings(endings, list, block.plural_endings);
    merged = merge(merged, lists);
  }
  const allEndings = union(englishEndings, ...languageBlocks(policy).map((b) => b.plural_endings));
  return { ...merged, pluralEndings: endings, allEndings };
});

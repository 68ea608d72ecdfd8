// Phrase matching: does a text contain "high load", "migrat*", "open food network uk"?
//
// A text is split into lower-cased words once (and kept in a small cache: the same title and body
// are asked about by every classifier), then each phrase is a look-up in that word index rather
// than a regular expression scanned over the whole text. The matching rule is the same as the
// phrase's pattern (phrasePattern): whole words, spaces, hyphens and apostrophes between words
// interchangeable ("s'affiche"), a trailing `*` for any word ending. Phrases that are not plain
// words ("la feria (costa rica)") keep their regular expression.
import { fold, folded, WORD_CHARS } from "./text.js";

const LETTER = WORD_CHARS;
const ONLY_WORD = new RegExp(`^[${LETTER}]+$`);
/** Where phrasePattern puts a word boundary: next to a letter, digit or underscore. */
const EDGE = /^[\p{L}\p{N}_]/u;
const SPACE = /\s/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Turn a phrase from the policy into a pattern: whole words, spaces and hyphens interchangeable,
 * and a trailing `*` matching any word ending ("migrat*"). Matched against folded text.
 */
export function phrasePattern(phrase: string): string {
  const f = fold(phrase);
  const prefix = f.endsWith("*");
  const core = (prefix ? f.slice(0, -1) : f).trim();
  const body = core
    .split(/[\s'-]+/)
    .map(escapeRegExp)
    .join("[\\s'-]+");
  const start = /^[\p{L}\p{N}_]/u.test(core) ? `(?<![${LETTER}])` : "";
  const end = prefix ? `[${LETTER}]*` : /[\p{L}\p{N}_]$/u.test(core) ? `(?![${LETTER}])` : "";
  return `${start}${body}${end}`;
}

/** A text as lower-cased words, in order. */
interface Words {
  list: string[];
  /** joined[i]: word i follows word i-1 with only spaces or hyphens between them. */
  joined: boolean[];
}

/** A character of WORD_CHARS (checked by code: this loop runs over every text). */
function isWordCode(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    c === 95 || // _
    (c >= 0xc0 && c <= 0x24f) || // Latin-1 letters and Latin Extended
    (c >= 0x370 && c <= 0x4ff) // Greek and Cyrillic
  );
}

/**
 * Only spaces (as `\s` counts them), hyphens and apostrophes between two words: "s'affiche" is
 * two words joined, as "ne s'affiche plus" is written in a phrase.
 */
function isSeparator(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 45 || c === 32 || c === 39 || (c >= 9 && c <= 13)) continue; // - space ' \t\n\v\f\r
    if (c < 128 || !SPACE.test(text[i]!)) return false;
  }
  return true;
}

/** Split lower-cased text into maximal runs of word characters. */
export function splitWords(l: string): Words {
  // The same text is split for the policy's phrases and for the instances' names: keep the last.
  if (l === lastSplit.text) return lastSplit.words;
  const words = split(l);
  lastSplit = { text: l, words };
  return words;
}

let lastSplit: { text: string; words: Words } = { text: "", words: { list: [], joined: [] } };

function split(l: string): Words {
  const list: string[] = [];
  const joined: boolean[] = [];
  let previousEnd = -1;
  let i = 0;
  while (i < l.length) {
    if (!isWordCode(l.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < l.length && isWordCode(l.charCodeAt(i))) i++;
    joined.push(previousEnd >= 0 && isSeparator(l, previousEnd, start));
    list.push(l.slice(start, i));
    previousEnd = i;
  }
  return { list, joined };
}

/** A phrase of plain words ("high load", "migrat*"), matched against a text's words. */
class WordPhrase {
  constructor(
    readonly phrase: string,
    readonly words: string[],
    /** The last word may have any ending ("migrat*"). */
    readonly prefix: boolean,
    /** Plural forms of the last word ("keys" for "ssh key"), from its language's endings. */
    readonly plurals: ReadonlySet<string> = NO_FORMS,
  ) {}

  /** Does the phrase start at word i (whose first word is already known to fit)? */
  startsAt(text: Words, i: number): boolean {
    const last = this.words.length - 1;
    for (let k = 1; k <= last; k++) {
      const word = text.list[i + k];
      if (word === undefined || !text.joined[i + k]) return false;
      const want = this.words[k]!;
      if (k === last && this.prefix) {
        if (!word.startsWith(want)) return false;
      } else if (word !== want && !(k === last && this.plurals.has(word))) {
        return false;
      }
    }
    return true;
  }
}

/** The phrases a word of a text may be, or begin. */
interface WordEntry {
  /** One-word phrases that are this word. */
  whole?: WordPhrase[];
  /**
   * One-word phrases whose plural this word is ("configs" -> "config"). A list that names
   * "alerts" beside "alert" means both: "alerts" is then read as "alerts" only.
   */
  plural?: WordPhrase[];
  /** Phrases of several words that begin with this word, by their second word. */
  seconds?: Map<string, WordPhrase[]>;
  /** Two-word phrases whose second word is a prefix ("backup file*"). */
  starting?: WordPhrase[];
}

/** Two leading characters as one number, to index prefix phrases without making strings. */
const lead = (word: string) => word.charCodeAt(0) * 65536 + word.charCodeAt(1);
/** Three leading characters as one number (exact: under 2^48). */
const lead3 = (word: string) => lead(word) * 65536 + word.charCodeAt(2);

const CACHE_SIZE = 8;
const NONE: readonly string[] = [];
const NO_FORMS: ReadonlySet<string> = new Set();
/** A short phrase in capitals ("CI", "DNS"): an acronym, matched in its own case only. */
const CAPITALS = /^(?=.*[A-Z])[A-Z0-9]{2,5}$/;

/** The endings a word's plural may add ("s", "es"), by the folded word; none by default. */
export type PluralEndings = (word: string) => readonly string[] | undefined;

/** What one pass over a text found: every phrase, and the phrases of each registered set. */
export interface Found {
  phrases: ReadonlySet<string>;
  bySet: Map<number, string[]>;
}

/**
 * Many phrases compiled together: one pass over a text's words finds all of them. Phrases that
 * are not plain words keep a regular expression each. Phrase lists register as sets and get
 * their own share of the result without another look at the text.
 */
export class PhraseIndex {
  /** What each word may be or begin: one look-up per word of a text. */
  private readonly byWord = new Map<string, WordEntry>();
  /** One-word prefix phrases ("migrat*") by their first three letters, two-letter ones by two. */
  private readonly byLead3 = new Map<number, WordPhrase[]>();
  private readonly byLead = new Map<number, WordPhrase[]>();
  private readonly shortPrefixes: WordPhrase[] = [];
  private readonly patterns: { phrase: string; re: RegExp }[] = [];
  /** Phrases written in capitals ("CI"), matched only in capitals: "ci" is Italian for "us". */
  private readonly capitals: { phrase: string; re: RegExp }[] = [];
  /** The sets each phrase belongs to. */
  private readonly setsOf = new Map<string, number[]>();
  private sets = 0;
  /** The last few texts and what was found in them: each text is asked about many times. */
  private readonly cache = new Map<string, Found>();

  constructor(
    phrases: Iterable<string> = [],
    private readonly endings: PluralEndings = () => undefined,
  ) {
    this.register(phrases);
  }

  /** Add a list of phrases; returns the set's number for `Found.bySet`. */
  register(phrases: Iterable<string>): number {
    const set = this.sets++;
    for (const phrase of new Set(phrases)) {
      if (phrase.trim() === "") continue;
      const sets = this.setsOf.get(phrase);
      if (sets) {
        sets.push(set);
      } else {
        this.setsOf.set(phrase, [set]);
        this.compile(phrase);
      }
    }
    this.cache.clear();
    return set;
  }

  private compile(phrase: string): void {
    if (CAPITALS.test(phrase.trim())) {
      const re = new RegExp(`(?<![${LETTER}])${escapeRegExp(phrase.trim())}(?![${LETTER}])`);
      this.capitals.push({ phrase, re });
      return;
    }
    const l = fold(phrase);
    const prefix = l.endsWith("*");
    const core = (prefix ? l.slice(0, -1) : l).trim();
    const parts = core.split(/[\s'-]+/);
    // The word index needs plain words, with word boundaries at both ends as the pattern has
    // them: a phrase ending in a character outside \p{L}\p{N}_ ("2×") keeps its pattern.
    const bounded = EDGE.test(core) && (prefix || EDGE.test(core.at(-1)!));
    if (core === "" || !bounded || !parts.every((p) => ONLY_WORD.test(p))) {
      this.patterns.push({ phrase, re: new RegExp(phrasePattern(l)) });
      return;
    }
    const last = parts.at(-1)!;
    const endings = prefix ? undefined : this.endings(core);
    const plurals = new Set((endings ?? []).map((e) => last + e));
    const compiled = new WordPhrase(phrase, parts, prefix, plurals.size ? plurals : NO_FORMS);
    const first = parts[0]!;
    if (prefix && parts.length === 1) {
      if (first.length < 2) this.shortPrefixes.push(compiled);
      else if (first.length === 2) push(this.byLead, lead(first), compiled);
      else push(this.byLead3, lead3(first), compiled);
    } else if (parts.length === 1) {
      (this.entry(first).whole ??= []).push(compiled);
      for (const form of plurals) (this.entry(form).plural ??= []).push(compiled);
    } else if (parts.length === 2 && prefix) {
      // "backup file*": the second word is a prefix, checked where the first is found.
      (this.entry(first).starting ??= []).push(compiled);
    } else {
      // By its first two words (and the second's plurals when it is the last).
      const second = parts[1]!;
      const forms = parts.length === 2 ? [second, ...plurals] : [second];
      const seconds = (this.entry(first).seconds ??= new Map());
      for (const form of forms) push(seconds, form, compiled);
    }
  }

  private entry(word: string): WordEntry {
    let entry = this.byWord.get(word);
    if (!entry) this.byWord.set(word, (entry = {}));
    return entry;
  }

  /** The phrases (as given) that occur in the text. */
  found(text: string): Found {
    let found = this.cache.get(text);
    if (!found) {
      found = this.search(text);
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(text, found);
    }
    return found;
  }

  private search(text: string): Found {
    const l = folded(text);
    const words = splitWords(l);
    const phrases = new Set<string>();
    // A word met again can only start a phrase of several words: the rest is known already.
    const seen = new Set<string>();
    for (let i = 0; i < words.list.length; i++) {
      const word = words.list[i]!;
      const entry = this.byWord.get(word);
      if (entry?.seconds && words.joined[i + 1]) {
        const list = entry.seconds.get(words.list[i + 1]!);
        for (const p of list ?? []) if (p.startsAt(words, i)) phrases.add(p.phrase);
      }
      for (const p of entry?.starting ?? []) if (p.startsAt(words, i)) phrases.add(p.phrase);
      if (seen.has(word)) continue;
      seen.add(word);
      // A word that is itself a phrase is read as that phrase only, never as another's plural.
      for (const p of entry?.whole ?? entry?.plural ?? []) phrases.add(p.phrase);
      if (word.length >= 3) {
        for (const p of this.byLead3.get(lead3(word)) ?? []) {
          if (word.startsWith(p.words[0]!)) phrases.add(p.phrase);
        }
      }
      if (word.length >= 2) {
        for (const p of this.byLead.get(lead(word)) ?? []) phrases.add(p.phrase);
      }
      for (const p of this.shortPrefixes) {
        if (word.startsWith(p.words[0]!)) phrases.add(p.phrase);
      }
    }
    for (const { phrase, re } of this.patterns) if (re.test(l)) phrases.add(phrase);
    for (const { phrase, re } of this.capitals) if (re.test(text)) phrases.add(phrase);
    const bySet = new Map<number, string[]>();
    for (const phrase of phrases) {
      for (const set of this.setsOf.get(phrase) ?? []) push(bySet, set, phrase);
    }
    return { phrases, bySet };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A list of phrases (matched case-insensitively) that reports which occur in a text. Sets that
 * share one PhraseIndex read each text once between them.
 */
export class PhraseSet {
  private readonly set: number;

  constructor(
    phrases: readonly string[],
    private readonly index: PhraseIndex = new PhraseIndex(),
  ) {
    this.set = index.register(phrases);
  }

  /** The distinct phrases found in the text. */
  found(text: string): readonly string[] {
    return this.index.found(text).bySet.get(this.set) ?? NONE;
  }

  has(text: string): boolean {
    return this.index.found(text).bySet.has(this.set);
  }
}

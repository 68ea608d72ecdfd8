// Text preparation shared by the classifiers: cleaning a body, folding case and accents, shouting.

/** Bodies longer than this are cut before matching: a log paste adds no signal, only cost. */
export const MAX_MATCH_CHARS = 20_000;

/**
 * Characters that belong to a word, for whole-word matching: ASCII, Latin-1/Extended, Greek and
 * Cyrillic letters. An explicit range instead of \p{L}: V8 compiles Unicode property classes
 * slowly, and hundreds of patterns would cost the first delivery most of a second.
 */
export const WORD_CHARS = "A-Za-z0-9_\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF";

/** Combining marks (accents, diaeresis, Greek tonos) left apart by NFD. */
const MARKS = /[\u0300-\u036f]/g;
const NOT_ASCII = /[^\t-~]/;
/**
 * Letters that may carry accents: Latin-1 and Latin Extended, Greek (with polytonic Greek) and
 * Vietnamese's extended Latin. Only these are decomposed, so other characters keep their form
 * (a Kelvin sign is not turned into a K).
 */
const ACCENTED = /[\u00c0-\u024f\u0370-\u03ff\u1e00-\u1fff]/g;

/**
 * The text without accents, in its own case: "Certificat expiré" -> "Certificat expire". Signal
 * words are matched without accents, because people type them with and without (on a phone,
 * in a hurry). Case is kept for what reads case (short codes like "FR", shouting).
 */
export function stripMarks(text: string): string {
  if (!NOT_ASCII.test(text)) return text;
  return text
    .replace(ACCENTED, (c) => c.normalize("NFD"))
    .replace(MARKS, "")
    .replace(/[\u2018\u2019\u02bc]/g, "'");
}

/**
 * The form every phrase and text is compared in: lower case, no accents, the Greek final sigma
 * as any sigma, German ß as ss, typographic apostrophes as plain ones. The same for a
 * translator's word and a reporter's text, whatever the language.
 */
export function fold(text: string): string {
  const l = text.toLowerCase();
  if (!NOT_ASCII.test(l)) return l;
  return stripMarks(l).replace(/ς/g, "σ").replace(/ß/g, "ss");
}

let lastText = "";
let lastLower = "";

/**
 * The text folded (see fold()). Matching folded text with folded patterns avoids the `i` flag,
 * whose Unicode case folding makes V8's regex compilation slow. One entry of cache: the same
 * title or body is matched by many pattern sets in a row.
 */
export function folded(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastLower = fold(text);
  }
  return lastLower;
}

/** Cache compiled helpers per configuration object, so decide() stays fast. */
export function memoize<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = build(key);
      cache.set(key, value);
    }
    return value;
  };
}

const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const URL = /\bhttps?:\/\/([^\s/)>\]]+)[^\s)>\]]*/gi;
const IMAGE = /!\[[^\]]*\]\([^)]*\)/g;

/**
 * Clean an issue body for matching: drop HTML comments (template hints), images and the path of
 * links (a wiki page name is not what the issue is about; its host may be), empty template
 * sections, and anything past MAX_MATCH_CHARS.
 */
export function prepareBody(body: string): string {
  const text = body
    .slice(0, MAX_MATCH_CHARS * 2)
    .replace(/\r\n?/g, "\n")
    .replace(HTML_COMMENT, " ")
    .replace(IMAGE, " ")
    .replace(URL, (_m, host: string) => (host.endsWith("github.com") ? " " : host))
    // Control characters from odd encodings carry nothing and confuse word boundaries.
    .replace(/[\p{Cc}\ufffd]/gu, (c) => (c === "\n" || c === "\t" ? c : " "));
  return dropEmptySections(text).slice(0, MAX_MATCH_CHARS);
}

const PLACEHOLDER = /^\s*(?:\d+\.|[*-])?\s*(?:[\p{L}\p{N}_ ]+:)?\s*$/u;

function isPlaceholder(line: string): boolean {
  // Long lines are never placeholders; the length guard also keeps the regex linear.
  return line.length < 200 && !/^#{1,6}\s/.test(line) && PLACEHOLDER.test(line);
}

/** Remove headings whose section is empty or only numbered/bulleted placeholders. */
function dropEmptySections(text: string): string {
  const lines = text.split("\n");
  const keep: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^#{1,6}\s/.test(line)) {
      let j = i + 1;
      while (j < lines.length && isPlaceholder(lines[j] ?? "")) j++;
      const nextIsHeadingOrEnd = j >= lines.length || /^#{1,6}\s/.test(lines[j] ?? "");
      if (nextIsHeadingOrEnd) {
        i = j - 1;
        continue;
      }
    }
    keep.push(line);
  }
  return keep.join("\n").trim();
}

/** True when a line is mostly capital letters: SHOUTING makes short codes unreliable. */
export function isShouting(line: string): boolean {
  const letters = line.replace(/[^\p{L}]/gu, "");
  if (letters.length < 8) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, "").length;
  return upper / letters.length >= 0.6;
}

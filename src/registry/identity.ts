// What names an instance in issues: its code, its name and its aliases. Triage finds instances by
// these words (ignoring case, accents, and spaces versus hyphens), so two instances must never
// share one, and none may carry markup, a mention, a link or a chat control word: the registry's
// names are echoed in comments, pull requests and S0 chat alerts. Shared by the registry's
// loading (any pull request's Tier registry check) and the reading of a tier application. Pure.

/** Longest instance name the registry accepts (the longest shipped one is 30 characters). */
export const MAX_NAME_CHARS = 100;
/** Longest alias (aliases are the short words people write: "UK", "Open Food France"). */
export const MAX_ALIAS_CHARS = 60;

/**
 * Plain words: letters (any script, with their accents), digits, spaces and the punctuation
 * real instance names use ("CoopCircuits (France)", "OFN-CAN", "St. Gallen", "Food & Farm").
 */
const PLAIN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} .'’&()/-]*$/u;

/** Text shaped like a host name ("evil.example", "openfoodnetwork.de"): chat apps link it. */
const HOST_LIKE = /^(?:www\.)?(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}$/iu;

/** What a character outside PLAIN is, in words, for the most telling ones. */
const CHARACTER_WORDS: [RegExp, string][] = [
  [/[<>]/, "`<` or `>` (markup, or a chat control word like `<!channel>`)"],
  [/[!]/, "`!` (chat control words like `<!here>`)"],
  [/[@＠]/u, "`@` (a mention)"],
  [/`/, "a backtick (code markup)"],
  [/[[\]{}]/, "brackets (link markup)"],
  [/[|]/, "`|` (it breaks tables)"],
  [/[*_~#]/, "Markdown markup (`*`, `_`, `~`, `#`)"],
  [/[:]/, "`:` (links and emoji codes)"],
  [/[\p{C}\p{Zl}\p{Zp}]/u, "an invisible or control character"],
];

/** The key two names are compared by: lower case, no accents, spaces and hyphens alike. */
export function identityKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[\s\-_]+/g, " ")
    .trim();
}

/**
 * What is wrong with a name or alias as words for an instance, or undefined when it is plain
 * words. The text itself is not repeated: it is what is unsafe to echo.
 */
export function unsafeIdentity(text: string, what: "name" | "alias"): string | undefined {
  const max = what === "name" ? MAX_NAME_CHARS : MAX_ALIAS_CHARS;
  if ([...text].length > max) return `is longer than ${max} characters`;
  if (!PLAIN.test(text)) {
    const found = CHARACTER_WORDS.filter(([pattern]) => pattern.test(text)).map(([, w]) => w);
    const which = found.length ? found.join(", ") : "a character that is not a letter or digit";
    return `must be plain words (letters, digits, spaces and . ' & ( ) / -); it has ${which}`;
  }
  if (HOST_LIKE.test(text)) return "looks like a host name or link; host names go under hosts";
  return undefined;
}

/** One word an instance is known by, where it is written. */
export interface IdentityWord {
  /** "code", "name" or "alias". */
  kind: "code" | "name" | "alias";
  text: string;
}

/** The words an instance is known by: its code, its name and its aliases. */
export function identityWords(
  code: string,
  instance: { name?: string; aliases?: readonly string[] },
): IdentityWord[] {
  return [
    { kind: "code", text: code },
    ...(instance.name ? [{ kind: "name" as const, text: instance.name }] : []),
    ...(instance.aliases ?? []).map((text) => ({ kind: "alias" as const, text })),
  ];
}

/** Which instance owns each word's key, first come first served; a Map (keys are user text). */
export type IdentityOwners = Map<string, { code: string; word: IdentityWord }>;

/** The owners of every word of these instances, in order (the first owner of a key keeps it). */
export function identityOwners(
  instances: Iterable<[string, { name?: string; aliases?: readonly string[] }]>,
): IdentityOwners {
  const owners: IdentityOwners = new Map();
  for (const [code, instance] of instances) {
    for (const word of identityWords(code, instance)) {
      const key = identityKey(word.text);
      if (key && !owners.has(key)) owners.set(key, { code, word });
    }
  }
  return owners;
}

/** "the code of `uk`", "an alias of `es`": who already has a word. */
export function ownerWords(owner: { code: string; word: IdentityWord }): string {
  const { code, word } = owner;
  if (word.kind === "code") return `the code of \`${code}\``;
  return `${word.kind === "name" ? "the name" : "an alias"} of \`${code}\``;
}

/**
 * Whether a word of instance `code` is already another instance's, and whose: undefined when
 * it is free or the instance's own.
 */
export function takenBy(
  owners: IdentityOwners,
  code: string,
  text: string,
): { code: string; word: IdentityWord } | undefined {
  const owner = owners.get(identityKey(text));
  return owner && owner.code !== code ? owner : undefined;
}

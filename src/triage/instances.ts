// Finding which instance(s) an issue is about, from host names, inventory names and aliases.
import type { Policy } from "../registry/policy.js";
import { instanceList, type Registry } from "../registry/schema.js";
import { lexiconOf } from "./lexicon.js";
import { PhraseIndex, phrasePattern } from "./phrases.js";
import { fold, folded, isShouting, memoize, stripMarks, WORD_CHARS } from "./text.js";

const LETTER = `[${WORD_CHARS}]`;
/**
 * What lies between two words: anything but a letter. Disjoint from LETTER, so a pattern of
 * words and gaps has one way to match, however long and hostile the line (`\W` is not: it takes
 * Greek and Cyrillic letters too, and let a line of them backtrack for minutes).
 */
const GAP = `[^${WORD_CHARS}]+`;

interface ShortAlias {
  alias: string;
  /** The alias in lower case: a whole word of the lower-cased text whenever `near` matches. */
  word: string;
  ambiguous: boolean;
  /** Written exactly as in the registry ("FR", "Aus"). */
  exact: RegExp;
  /** Any case, next to a context word ("Fr staging", "the US server"). */
  near: RegExp | null;
  /** Leading a title as its subject: "US: webhooks fail", "[IT] emails bounce". */
  lead: RegExp;
}

interface InstanceMatcher {
  code: string;
  /** Host names and inventory names ("au_prod"): reliable on their own. */
  hosts: RegExp | null;
  /** Text the host pattern cannot match without: most texts have none, and skip the pattern. */
  hostLiterals: string[];
  /** Long aliases and the name, looked up in the registry's phrase index: reliable too. */
  names: string[];
  /** Two- and three-letter codes, which need their exact case or a nearby context word. */
  short: ShortAlias[];
}

interface Matchers {
  instances: InstanceMatcher[];
  /** Every instance's names and short codes, found in one pass over a text. */
  phrases: PhraseIndex;
  /** Every instance's host literals in one pattern: one scan says whose host may be there. */
  literals: RegExp | null;
  /** The instances each literal belongs to. */
  literalCodes: Map<string, string[]>;
}

function shortAlias(alias: string, ambiguous: boolean, context: string): ShortAlias {
  const a = escape(alias);
  const exact = new RegExp(`(?<!${LETTER}|[./])${a}(?!${LETTER}|\\.${LETTER})`);
  const la = escape(fold(alias));
  // `near` runs on lower-cased text (see folded()), so it needs no `i` flag. The code itself is a
  // whole word ("fré server" is not FR); up to two short words may lie between it and the
  // context word ("le fr à la prod", "the US main server").
  const near = context
    ? new RegExp(
        `(?<!${LETTER})${la}(?:'s)?(?!${LETTER})${GAP}(?:${LETTER}+${GAP}){0,2}(?:${context})|(?:${context})${GAP}(?:${LETTER}+${GAP}){0,2}(?<!${LETTER})${la}(?!${LETTER})`,
      )
    : null;
  const lead = new RegExp(`^\\s*(?:\\[${a}\\]|${a}\\s*:)`);
  return { alias, word: fold(alias), ambiguous, exact, near, lead };
}

/** A host without its leading www./app./staging., which is part of the same instance. */
const hostBase = (host: string) => host.replace(/^(?:www|app|staging|stg|pruebas)\./i, "");

function hostPattern(host: string): string {
  // Match the host and its sub-domains, but not a longer domain ("openfoodnetwork.org" is not
  // "openfoodnetwork.org.uk").
  const base = hostBase(host);
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `(?<![\\w.-])(?:[\\w-]+\\.)*${escaped}(?![\\w-]|\\.\\w)`;
}

const buildMatchers = memoize((key: { registry: Registry; policy: Policy }): Matchers => {
  const { registry, policy } = key;
  const ambiguous = new Set(policy.instances.ambiguous_aliases.map((a) => a.toUpperCase()));
  const lexicon = lexiconOf(policy);
  // A context word in its plural too ("naked BE domains"), by its language's endings.
  const context = lexicon.contextWords
    .map((w) => {
      const endings = lexicon.pluralEndings.get(fold(w.trim())) ?? [];
      return endings.length
        ? phrasePattern(w).replace(/\(\?!\[[^\]]*\]\)$/, `(?:${endings.map(escape).join("|")})?$&`)
        : phrasePattern(w);
    })
    .join("|");
  const suffixes = policy.instances.inventory_suffixes.map((s) => s.replace(/\W/g, "")).join("|");
  const instances = instanceList(registry).map((instance): InstanceMatcher => {
    const hosts: string[] = instance.hosts.map((h) => hostPattern(h.toLowerCase()));
    const hostLiterals = instance.hosts.map((h) => hostBase(h.toLowerCase()));
    if (suffixes) {
      // "uk_prod", "fr-staging", and numbered ones like "uk_staging2".
      hosts.push(`(?<!${LETTER})${instance.code}[_-](?:${suffixes})\\d*(?!${LETTER})`);
      hostLiterals.push(`${instance.code}_`, `${instance.code}-`);
    }
    const short: ShortAlias[] = [];
    const names: string[] = [];
    // Aliases are compared without accents, as the text is ("Magyarorszag" is "Magyarország").
    for (const alias of [...instance.aliases, instance.name].map(stripMarks)) {
      if (alias.trim().length <= 3) {
        const code = alias.trim();
        short.push(shortAlias(code, ambiguous.has(code.toUpperCase()), context));
      } else {
        names.push(alias);
      }
    }
    return {
      code: instance.code,
      // Tested on lower-cased text: no `i` flag needed (see folded()).
      hosts: hosts.length ? new RegExp(hosts.join("|")) : null,
      hostLiterals,
      names,
      short,
    };
  });
  // Each literal stands for its own instances and those of every literal it starts with: the
  // scan finds the longest literal at each place, and a shorter one there counts too.
  const owners = new Map<string, string[]>();
  for (const m of instances)
    for (const h of m.hostLiterals) owners.set(h, [...(owners.get(h) ?? []), m.code]);
  const literalCodes = new Map<string, string[]>();
  for (const literal of owners.keys()) {
    const prefixes = [...owners].filter(([other]) => literal.startsWith(other));
    literalCodes.set(literal, [...new Set(prefixes.flatMap(([, codes]) => codes))]);
  }
  const alternatives = [...owners.keys()].sort((a, b) => b.length - a.length).map(escape);
  return {
    instances,
    phrases: new PhraseIndex(instances.flatMap((m) => [...m.names, ...m.short.map((a) => a.word)])),
    // A lookahead, so literals that overlap are all found (fr_prod inside coopcircuits.fr_prod).
    literals: alternatives.length ? new RegExp(`(?=(${alternatives.join("|")}))`, "g") : null,
    literalCodes,
  };
});

/** The instances one of whose host literals the folded text holds (one scan for them all). */
function hostCandidates(l: string, matchers: Matchers): Set<string> {
  const codes = new Set<string>();
  if (!matchers.literals) return codes;
  for (const [, literal] of l.matchAll(matchers.literals))
    for (const code of matchers.literalCodes.get(literal!) ?? []) codes.add(code);
  return codes;
}

/** Pairs of registry + policy are cached by identity; wrap them once per load. */
const pairs = new WeakMap<Registry, WeakMap<Policy, { registry: Registry; policy: Policy }>>();
function pairOf(registry: Registry, policy: Policy) {
  let byPolicy = pairs.get(registry);
  if (!byPolicy) pairs.set(registry, (byPolicy = new WeakMap()));
  let pair = byPolicy.get(policy);
  if (!pair) byPolicy.set(policy, (pair = { registry, policy }));
  return pair;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A short code counts when written in its own case, or next to a word like "server". */
function shortAliasFound(
  text: string,
  words: ReadonlySet<string>,
  a: ShortAlias,
  found: ShortAlias[],
  listWords: string,
): boolean {
  // Cheap checks first: `exact` needs the code's own letters in the text, `near` needs it as a
  // whole word of the lower-cased text. Most texts have neither, and stop here.
  const exact = text.includes(a.alias) && a.exact.test(text);
  if (!a.ambiguous) {
    return exact || (words.has(a.word) && nearContext(folded(text), a));
  }
  if (!exact) return false;
  if (a.lead.test(text)) return true;
  return text.split("\n").some((line) => {
    if (isShouting(line) || !a.exact.test(line)) return false;
    return nearContext(fold(line), a) || listedBeside(line, a, found, listWords);
  });
}

/** How far around a short code its context word is looked for (two words and the word). */
const NEAR = 80;

/**
 * A context word next to the code ("fr staging"), looked for only around where the code is
 * written: the pattern has every language's context words, and a body can be 20,000 characters.
 */
function nearContext(l: string, a: ShortAlias): boolean {
  if (!a.near) return false;
  for (let at = l.indexOf(a.word); at >= 0; at = l.indexOf(a.word, at + 1)) {
    const window = l.slice(Math.max(0, at - NEAR), at + a.word.length + NEAR);
    if (a.near.test(window)) return true;
  }
  return false;
}

/** "FR and BE", "UK, IT", "FR et BE": an ambiguous code listed beside a code already recognised. */
function listedBeside(
  line: string,
  a: ShortAlias,
  found: ShortAlias[],
  listWords: string,
): boolean {
  return found.some((other) => {
    const o = escape(other.alias);
    const s = escape(a.alias);
    const sep = `\\s*(?:,|/|&|\\+|${listWords})\\s*`;
    return new RegExp(`(?<!${LETTER})(?:${o}${sep}${s}|${s}${sep}${o})(?!${LETTER})`).test(line);
  });
}

function hostIn(m: InstanceMatcher, l: string, candidates: Set<string>): boolean {
  return m.hosts !== null && candidates.has(m.code) && m.hosts.test(l);
}

/** The registry codes named in a piece of text, in registry order. */
export function findInstances(text: string, registry: Registry, policy: Policy): string[] {
  return searchInstances(text, pairOf(registry, policy));
}

/**
 * A list of words as one alternation for a pattern on folded text ("translat*" any ending); an
 * empty list matches nothing (an empty alternation would match everywhere).
 */
const alternation = (words: readonly string[]) =>
  words.length
    ? words.map((w) => escape(fold(w.trim())).replace(/\\\*$/, `[${WORD_CHARS}]*`)).join("|")
    : "(?!)";

const languageContext = memoize((policy: Policy) => {
  const lexicon = lexiconOf(policy);
  const languages = new Set(lexicon.languageNames.map(fold));
  const words = alternation([...languages, ...lexicon.languageWords]);
  const endings = lexicon.allEndings.map((e) => escape(fold(e))).join("|") || "(?!)";
  return {
    languages,
    listWords: alternation(lexicon.listWords),
    line: new RegExp(`(?<![${WORD_CHARS}])(?:${words})(?![${WORD_CHARS}])`, "g"),
    verb: new RegExp(`(?:^|[^${WORD_CHARS}])(?:${alternation(lexicon.languageVerbs)})\\s+$`),
    // "french instances", "Italian server": followed by a server word, it is the instance.
    server: new RegExp(
      `^\\s+(?:${alternation(lexicon.contextWords)})(?:${endings})?(?![${WORD_CHARS}])`,
    ),
  };
});

/**
 * "Enable French and English in Katuma", "the IT locale": a name that is also a language (the
 * policy's language names, in every language) names the language, not the instance, when a line that holds it speaks
 * of languages, or a verb like "enable" comes right before it, unless a server word follows it
 * ("for french instances").
 */
function usedAsLanguage(text: string, name: string, policy: Policy): boolean {
  const ctx = languageContext(policy);
  const word = fold(name);
  if (!ctx.languages.has(word)) return false;
  const lines = folded(text)
    .split("\n")
    .filter((line) => line.includes(word));
  return lines.every((line) => {
    const at = line.indexOf(word);
    if (ctx.server.test(line.slice(at + word.length))) return false;
    const others = [...line.matchAll(ctx.line)].filter((m) => m[0] !== word);
    return others.length > 0 || ctx.verb.test(line.slice(0, at));
  });
}

function searchInstances(text: string, key: { registry: Registry; policy: Policy }): string[] {
  const { policy } = key;
  const matchers = buildMatchers(key);
  const { instances, phrases } = matchers;
  const { listWords } = languageContext(policy);
  const words = phrases.found(text).phrases;
  const l = folded(text);
  const candidates = hostCandidates(l, matchers);
  const hits = new Set<string>();
  const foundShort: ShortAlias[] = [];
  const named = (n: string) => words.has(n) && !usedAsLanguage(text, n, policy);
  // First the reliable matches and the unambiguous short codes...
  for (const m of instances) {
    if (hostIn(m, l, candidates) || m.names.some(named)) hits.add(m.code);
    for (const a of m.short) {
      if (!a.ambiguous && shortAliasFound(text, words, a, [], listWords)) {
        hits.add(m.code);
        foundShort.push(a);
      }
    }
  }
  // ...then ambiguous codes, which may lean on the codes found so far ("FR and BE") or on
  // each other, written in their own case ("US and CA").
  const written = instances.flatMap((m) =>
    m.short.filter((a) => a.ambiguous && text.includes(a.alias) && a.exact.test(text)),
  );
  for (const m of instances) {
    if (hits.has(m.code)) continue;
    const partners = (a: ShortAlias) => [...foundShort, ...written.filter((w) => w !== a)];
    if (
      m.short.some((a) => a.ambiguous && shortAliasFound(text, words, a, partners(a), listWords))
    ) {
      hits.add(m.code);
    }
  }
  return instances.map((m) => m.code).filter((code) => hits.has(code));
}

/** The instance whose own repository this is, if any. */
export function instanceOfRepo(repo: string, registry: Registry): string | undefined {
  const wanted = repo.toLowerCase();
  return instanceList(registry).find((i) => (i.repos ?? []).some((r) => r.toLowerCase() === wanted))
    ?.code;
}

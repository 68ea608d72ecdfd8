// The registry change a tier decision makes, as text in and text out: the instance's tier,
// `reviewed`, `review_every_months` and `evidence`, or a new instance's entry. Edited with the
// `yaml` library's Document API, and only that instance's lines are replaced in the file, so
// every comment and the layout of the rest stay exactly as the circle wrote them. Pure.
import { isMap, isScalar, isSeq, parse, parseDocument, type Document, type YAMLMap } from "yaml";
import { loadRegistry, type Tier } from "../registry/schema.js";
import { formatProblems } from "../registry/yaml-load.js";
import { DEFAULT_EVERY_MONTHS } from "../report/reviews.js";

export interface TierChange {
  code: string;
  tier: Exclude<Tier, "none">;
  /** The day of the decision, like 2026-11-25. */
  reviewed: string;
  /** Links to the evidence the circle saw; added to those already on file. */
  evidence: string[];
  /** For an instance the registry does not have yet. */
  newInstance?: { name: string; hosts: string[]; aliases: string[] };
}

export type EditResult = { ok: true; text: string } | { ok: false; problem: string };

type Pairs = YAMLMap<unknown, unknown>;

const keyIs = (code: string) => (pair: { key: unknown }) =>
  isScalar(pair.key) && String(pair.key.value) === code;

/** The start of the line holding `at`, and the end of the line holding `end - 1`. */
function wholeLines(text: string, at: number, end: number): [number, number] {
  const start = text.lastIndexOf("\n", at - 1) + 1;
  if (end > 0 && text[end - 1] === "\n") return [start, end];
  const newline = text.indexOf("\n", end);
  return [start, newline < 0 ? text.length : newline + 1];
}

/** The lines of one instance's entry (its key to the end of its value), by character offsets. */
function entryLines(text: string, instances: Pairs, code: string): [number, number] | undefined {
  const pair = instances.items.find(keyIs(code));
  const key = (pair?.key as { range?: number[] } | undefined)?.range;
  const value = (pair?.value as { range?: number[] } | undefined)?.range;
  if (!key || !value) return undefined;
  return wholeLines(text, key[0]!, value[1]!);
}

function instancesOf(doc: Document): Pairs | undefined {
  const instances = doc.get("instances", true);
  return isMap(instances) ? (instances as Pairs) : undefined;
}

/** How far the file indents its instances (2 in the shipped registry). */
function indentOf(text: string, instances: Pairs): number {
  const first = (instances.items[0]?.key as { range?: number[] } | undefined)?.range?.[0];
  if (first === undefined) return 2;
  return Math.max(1, first - (text.lastIndexOf("\n", first - 1) + 1));
}

function setEvidence(doc: Document, entry: Pairs, links: readonly string[]): void {
  const onFile = entry.get("evidence", true);
  if (isSeq(onFile)) {
    const known = new Set(onFile.items.map((i) => String(isScalar(i) ? i.value : i)));
    for (const link of links) if (!known.has(link)) onFile.add(doc.createNode(link));
  } else if (links.length) {
    entry.set("evidence", doc.createNode([...links]));
  }
}

/** An instance's tier, review and evidence, in place; its other fields and comments stay. */
function editInstance(doc: Document, entry: Pairs, change: TierChange): void {
  entry.set("tier", change.tier);
  // The shipped file marks made-up tiers `# example` and asks that the mark go when the circle
  // decides: this is that decision.
  const tier = entry.get("tier", true);
  if (isScalar(tier) && tier.comment?.trim() === "example") tier.comment = undefined;
  entry.set("reviewed", change.reviewed);
  if (!entry.has("review_every_months")) entry.set("review_every_months", DEFAULT_EVERY_MONTHS);
  setEvidence(doc, entry, change.evidence);
}

/** A new instance's entry, its hosts and aliases written like the file's (flow lists). */
function newEntry(doc: Document, change: TierChange): Pairs {
  const { name, hosts, aliases } = change.newInstance!;
  const entry = doc.createNode({
    name,
    tier: change.tier,
    hosts,
    aliases,
    reviewed: change.reviewed,
    review_every_months: DEFAULT_EVERY_MONTHS,
  }) as Pairs;
  for (const list of ["hosts", "aliases"]) {
    const node = entry.get(list, true);
    if (isSeq(node)) node.flow = true;
  }
  setEvidence(doc, entry, change.evidence);
  return entry;
}

/**
 * The original text with only the changed instance's lines replaced by their new text (or the new
 * instance's lines added after the last one); undefined when the file's layout does not allow it.
 */
function splice(original: string, before: Pairs, edited: string, code: string): string | undefined {
  const after = instancesOf(parseDocument(edited));
  const fresh = after && entryLines(edited, after, code);
  if (!fresh) return undefined;
  const lines = edited.slice(...fresh);
  const old = entryLines(original, before, code);
  if (old) return original.slice(0, old[0]) + lines + original.slice(old[1]);
  const last = before.items.at(-1);
  const end = last && entryLines(original, before, String((last.key as { value: unknown }).value));
  if (!end) return undefined;
  const at = end[1];
  const gap = original[at - 1] === "\n" || at === 0 ? "" : "\n";
  return original.slice(0, at) + gap + lines + original.slice(at);
}

const same = (a: string, b: string) => JSON.stringify(parse(a)) === JSON.stringify(parse(b));

/** The registry text with the decision applied, or why it cannot be. */
export function editRegistry(text: string, change: TierChange): EditResult {
  const doc = parseDocument(text);
  if (doc.errors.length)
    return { ok: false, problem: `the registry does not parse: ${doc.errors[0]!.message}` };
  const instances = instancesOf(doc);
  if (!instances) return { ok: false, problem: "the registry has no `instances:` map" };
  const original = instancesOf(parseDocument(text))!;
  const entry = instances.get(change.code, true);
  if (change.newInstance) {
    if (entry !== undefined)
      return { ok: false, problem: `\`${change.code}\` is already in the registry` };
    instances.set(doc.createNode(change.code), newEntry(doc, change));
  } else {
    if (!isMap(entry))
      return { ok: false, problem: `the registry has no instance \`${change.code}\`` };
    editInstance(doc, entry as Pairs, change);
  }
  const whole = doc.toString({
    indent: indentOf(text, original),
    lineWidth: 0,
    flowCollectionPadding: false,
  });
  const spliced = splice(text, original, whole, change.code);
  // Only the instance's lines change; a layout the splice cannot follow is written whole.
  const result = spliced !== undefined && same(spliced, whole) ? spliced : whole;
  const check = loadRegistry(result);
  if (!check.ok)
    return {
      ok: false,
      problem: `the changed registry would be invalid: ${formatProblems(check.problems)}`,
    };
  return { ok: true, text: result };
}

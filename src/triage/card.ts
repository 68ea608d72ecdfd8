// Where a request belongs on the sysadmin pipe board, and what must change there. Pure.
import type { BoardConfig, Column } from "../registry/policy.js";
import { instanceOf, type Registry, type Tier } from "../registry/schema.js";
import { TIERS } from "../registry/schema.js";
import type { BoardRecord, CardValues, TimeLog, TriagePlan } from "./types.js";
import type { ResponseClock } from "./state.js";
import { SEVERITIES, type Severity } from "../registry/vocabulary.js";
import { jobColumn } from "./job.js";

export type IssueState = "open" | "closed";

/**
 * The card's number fields, by the policy's field key: hours logged with `/spent` for the card's
 * kind of work, and a jobs-board job's estimate. Both are in hours, to two decimals.
 */
export const NUMBER_FIELDS = ["hours", "estimate"] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];
export type CardNumbers = Partial<Record<NumberField, number>>;

/** What the app wants for the issue's card; a number or date field left undefined has nothing
 * to show (a value the app set there earlier is emptied). */
export interface BoardTarget extends CardNumbers {
  onBoard: boolean;
  column?: Column;
  /** Single-select values by the policy's field key (severity, size, tier, instance). */
  values: CardValues;
  /** The day a first response is due (YYYY-MM-DD), while the promise's clock runs. */
  respondBy?: string;
}

export type { BoardRecord };

/** The card as it is on GitHub now, with its number fields' values where set. */
export interface ActualItem extends CardNumbers {
  id: string;
  archived: boolean;
  /** Option names by field name, as spelt on the board. */
  values: Record<string, string>;
  /** The Respond by field's day (YYYY-MM-DD), where set. */
  respondBy?: string;
}

/** Names on a board are matched as people read them: "In Progress" is "In progress". */
export const nameKey = (name: string): string => name.trim().toLowerCase();

export const sameName = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && nameKey(a) === nameKey(b);

export function valueOf(actual: ActualItem | undefined, field: string): string | undefined {
  if (!actual) return undefined;
  const key = Object.keys(actual.values).find((k) => sameName(k, field));
  return key === undefined ? undefined : actual.values[key];
}

export interface BoardWrites {
  add: boolean;
  archive: boolean;
  unarchive: boolean;
  /** Field key -> option name to set. */
  set: { field: "status" | "severity" | "size" | "tier" | "instance"; option: string }[];
  /** Re-place the card inside Ready. */
  position: boolean;
  /** Number fields to write: a value, or null to empty the field. */
  numbers: Partial<Record<NumberField, number | null>>;
  /** The Respond by day to write, or null to empty it; absent: left as it is. */
  respondBy?: string | null;
}

const TIER_RANK: Record<Tier, number> = { full: 0, basic: 1, none: 2 };

function bestTier(plan: TriagePlan, registry: Registry): Tier | undefined {
  const tiers = plan.verdicts.filter((v) => v.covered).map((v) => v.tier);
  const all = tiers.length
    ? tiers
    : plan.instances.map((c) => instanceOf(registry, c)?.tier ?? "none");
  return [...all].sort((a, b) => TIER_RANK[a] - TIER_RANK[b])[0];
}

const inHours = (minutes: number | undefined): number | undefined =>
  minutes ? Math.round((minutes / 60) * 100) / 100 : undefined;

/** The card's number fields: its own kind of logged time, and a job's estimate. */
function numbersFor(plan: TriagePlan, time: TimeLog | undefined): CardNumbers {
  const numbers: CardNumbers = {
    hours: inHours(plan.jobBoard ? time?.jobs : time?.pipe),
    estimate: plan.jobBoard ? inHours(plan.job?.estimate) : undefined,
  };
  return Object.fromEntries(Object.entries(numbers).filter(([, v]) => v !== undefined));
}

/**
 * The card's Respond by: the UTC day the promised first response is due, while nobody has
 * answered. A project's date field holds a day, not a time; the bot comment has the time.
 */
export function respondByDate(clock: ResponseClock | undefined): string | undefined {
  if (!clock || clock.respondedAt) return undefined;
  const due = Date.parse(clock.dueAt);
  return Number.isNaN(due) ? undefined : new Date(due).toISOString().slice(0, 10);
}

export function boardTarget(
  plan: TriagePlan,
  state: IssueState,
  registry: Registry,
  time?: TimeLog,
  response?: ResponseClock,
): BoardTarget {
  const inPipe =
    plan.kind === "instance" &&
    (plan.outcome === "accepted" || plan.outcome === "needs-info" || plan.jobBoard);
  if (!inPipe) return { onBoard: false, values: {} };
  const tier = bestTier(plan, registry);
  const values: BoardTarget["values"] = { severity: plan.severity };
  if (plan.category) values.size = plan.size;
  if (tier) values.tier = tier;
  // A single-select holds one instance: the first one named (the comment lists them all).
  if (plan.instances[0]) values.instance = plan.instances[0];
  let column: Column;
  if (state === "closed") column = "done";
  // A job taken on the jobs board is in progress until it is delivered.
  else if (plan.jobBoard) column = jobColumn(plan.job);
  else if (plan.outcome === "needs-info") column = "inbox";
  else column = plan.severity === "S0" ? "emergency" : "ready";
  // A closed issue's card is done: nothing is due any more.
  const respondBy = state === "open" ? respondByDate(response) : undefined;
  return {
    onBoard: true,
    column,
    values,
    ...numbersFor(plan, time),
    ...(respondBy ? { respondBy } : {}),
  };
}

const sameValues = (a: CardValues = {}, b: CardValues = {}): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CardValues>;
  return [...keys].every((k) => a[k] === b[k]);
};

/** The number fields of a target or record, and nothing else. */
export function cardNumbers(from: CardNumbers): CardNumbers {
  return Object.fromEntries(
    NUMBER_FIELDS.flatMap((k) => (from[k] !== undefined ? [[k, from[k]]] : [])),
  );
}

/**
 * True when the app has nothing to do: the whole card it wants (column, fields, numbers) is what it
 * set last time. Anything else (its own new decision, a person's label or command, a registry
 * change) is compared with the card itself, and only what differs is written.
 */
export function sameAsRecorded(target: BoardTarget, record: BoardRecord | undefined): boolean {
  if (!record) return !target.onBoard;
  if (!target.onBoard) return record.archived === true || record.column === undefined;
  return (
    record.archived !== true &&
    record.column === target.column &&
    NUMBER_FIELDS.every((k) => record[k] === target[k]) &&
    record.respondBy === target.respondBy &&
    record.values !== undefined &&
    sameValues(record.values, target.values)
  );
}

/**
 * Compare before writing. A card a developer moved by hand (its status is no longer the one the
 * app set) keeps its column; only closing the issue moves it, to Done.
 */
export function planBoardWrites(
  target: BoardTarget,
  actual: ActualItem | undefined,
  record: BoardRecord | undefined,
  config: BoardConfig,
): BoardWrites {
  const writes: BoardWrites = {
    add: false,
    archive: false,
    unarchive: false,
    set: [],
    position: false,
    numbers: {},
  };
  if (!target.onBoard) {
    writes.archive = actual !== undefined && !actual.archived;
    return writes;
  }
  writes.add = actual === undefined;
  writes.unarchive = actual?.archived === true;
  const current = valueOf(actual, config.status_field);
  const wanted = target.column ? config.columns[target.column] : undefined;
  const appSet = record?.column ? config.columns[record.column] : undefined;
  // An archived card comes back where the app wants it: its old column was the app's choice.
  const movedByHand = current !== undefined && !actual?.archived && !sameName(current, appSet);
  if (
    wanted &&
    !sameName(current, wanted) &&
    (target.column === "done" || !movedByHand || sameName(current, config.columns.done))
  ) {
    writes.set.push({ field: "status", option: wanted });
  }
  for (const [key, option] of Object.entries(target.values) as [
    keyof BoardTarget["values"],
    string,
  ][]) {
    if (!sameName(valueOf(actual, config.fields[key]), option))
      writes.set.push({ field: key, option });
  }
  for (const k of NUMBER_FIELDS) {
    if (target[k] !== undefined && actual?.[k] !== target[k]) writes.numbers[k] = target[k];
    // A value the app set and no longer wants (a released job's estimate) is emptied; one a
    // person typed over it is theirs.
    else if (target[k] === undefined && actual?.[k] !== undefined && actual[k] === record?.[k])
      writes.numbers[k] = null;
  }
  const respondBy = respondByWrite(target.respondBy, actual?.respondBy, record?.respondBy);
  if (respondBy !== undefined) writes.respondBy = respondBy;
  // A card entering Ready, or whose severity or tier changed there, takes its place by them.
  const reorders = writes.set.some((s) => s.field === "severity" || s.field === "tier");
  writes.position =
    target.column === "ready" &&
    (writes.set.some((s) => s.field === "status") || (sameName(current, wanted) && reorders));
  return writes;
}

/**
 * The Respond by to write, like a number field: the day wanted where the card differs; emptied
 * once nothing is due, when the day on the card is the one the app set (a person's is theirs).
 */
function respondByWrite(
  wanted: string | undefined,
  onCard: string | undefined,
  appSet: string | undefined,
): string | null | undefined {
  if (wanted !== undefined) return onCard === wanted ? undefined : wanted;
  return onCard !== undefined && onCard === appSet ? null : undefined;
}

export function hasBoardWrites(w: BoardWrites): boolean {
  return (
    w.add ||
    w.archive ||
    w.unarchive ||
    w.set.length > 0 ||
    w.position ||
    Object.keys(w.numbers).length > 0 ||
    w.respondBy !== undefined
  );
}

/** A card in Ready, for ordering. */
export interface ReadyCard {
  id: string;
  severity?: string;
  tier?: string;
  createdAt: string;
}

function rank(card: ReadyCard): [number, number, string] {
  const s = SEVERITIES.indexOf((card.severity ?? "S3") as Severity);
  const t = (TIERS as readonly string[]).includes(card.tier ?? "")
    ? TIER_RANK[card.tier as Tier]
    : 3;
  return [s < 0 ? 4 : s, t, card.createdAt];
}

function compare(a: ReadyCard, b: ReadyCard): number {
  const [as, at, ac] = rank(a);
  const [bs, bt, bc] = rank(b);
  return as - bs || at - bt || (ac < bc ? -1 : ac > bc ? 1 : 0);
}

/**
 * Ready is ordered by severity (S1 above S2 above S3), then tier (full first), then age (older
 * first). The card goes after the last card that sorts before it; undefined means the top.
 */
export function placeInReady(card: ReadyCard, ready: readonly ReadyCard[]): string | undefined {
  let after: string | undefined;
  for (const other of ready) {
    if (other.id === card.id) continue;
    if (compare(other, card) <= 0) after = other.id;
  }
  return after;
}

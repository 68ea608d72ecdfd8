// The hidden state in the bot comment: what the app applied, so any replica decides alike.
import { createHash } from "node:crypto";
import { z } from "zod";
import { MAX_ALIAS_CHARS, MAX_NAME_CHARS } from "../registry/identity.js";
import { INSTANCE_CODE, TIERS } from "../registry/schema.js";
import { CATEGORIES, OUTCOMES, SEVERITIES, SIZES } from "../registry/vocabulary.js";

/** Marks the app's one comment per issue. */
export const COMMENT_MARKER = "<!-- sysadmin-pipe -->";
const STATE_PREFIX = "<!-- sysadmin-pipe:state ";
const STATE_SUFFIX = " -->";
/** At most this many labels in `applied` and `suppressed` (the schema's limit). */
const MAX_LABELS = 100;

/** Values a person set on the app's label vocabulary; they win over the text. */
const OverridesSchema = z.object({
  instances: z.array(z.string().max(40)).max(50).optional(),
  category: z.enum(CATEGORIES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  size: z.enum(SIZES).optional(),
});

const login = z.string().max(100);
const minutes = z.number().int().min(0).max(10_000_000);
const fieldValue = z.string().max(50);

/** Single-select values of a card, by the policy's field key. */
const CardValuesSchema = z
  .object({ severity: fieldValue, size: fieldValue, tier: fieldValue, instance: fieldValue })
  .partial();

/** What the app last set on the board: compared with what it wants now before any board request. */
const BoardRecordSchema = z.object({
  column: z.enum(["inbox", "emergency", "ready", "in_progress", "jobs_board", "done"]).optional(),
  archived: z.boolean().optional(),
  hours: z.number().min(0).optional(),
  /** A jobs-board job's estimate as set on the card, in hours (none in older records). */
  estimate: z.number().min(0).optional(),
  /** The card's fields as the app last set them (none in records older than this field). */
  values: CardValuesSchema.optional(),
  /** The Respond by day the app set on the card (YYYY-MM-DD); none while nothing is due. */
  respondBy: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** The last board update failed (the bot comment says why): the sweep tries it again. */
  failed: z.boolean().optional(),
});

/** A policy decision a maintainer made with `/accept` or `/reject`. */
const PersonDecisionSchema = z.object({
  outcome: z.enum(["accepted", "rejected"]),
  by: login,
  reason: z.string().max(500).optional(),
});

/** Who did a step of a job, and when (ISO time; the app always records it). */
const JobStepSchema = z.object({ by: login, at: z.iso.datetime().optional() });

/** A job's price as its developer stated it: an hourly rate or a fixed price, in minor units. */
const PriceSchema = z.object({
  per: z.enum(["hour", "job"]),
  minor: z.number().int().min(0).max(1_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** A jobs-board request a developer took with `/take`, and how far it got. */
const JobSchema = z.object({
  taker: login,
  /** Jobs-board minutes logged before it was taken, in records older than time entries: not
   * this job's time (absent: none). */
  from: minutes.optional(),
  /** The taker's estimate (`/estimate`), in minutes. */
  estimate: minutes.optional(),
  /** The price stated with the estimate (`/estimate 6h at 45 EUR/h`, `/estimate 250 EUR
   * fixed`); none in jobs estimated without one, which are never billed an amount. */
  price: PriceSchema.optional(),
  /** The instance's manager who agreed to the estimate and price (`/agree`), for which instances
   * (the ones billed): a new estimate or price clears it; other instances must agree again. */
  agreed: JobStepSchema.extend({
    instances: z.array(z.string().max(40)).max(50).optional(),
    /** The logged jobs time reached the agreed hours, and the managers were told (once). */
    reached: z.boolean().optional(),
  }).optional(),
  /** Delivered (`/done`): the job is invoiced in the period of this date. */
  done: JobStepSchema.optional(),
});

/** At most this many evidence links an approval records (a tier application asks for four). */
export const MAX_APPROVED_LINKS = 20;
/** The longest evidence link an approval records (real ones are about 100 characters). */
export const MAX_APPROVED_LINK_CHARS = 300;
/** At most this many hosts and aliases of a new instance an approval records. */
export const MAX_NEW_INSTANCE_WORDS = 10;
const pullRef = z.object({ repo: z.string().max(200), number: z.number().int().positive() });

/**
 * What the circle approved, as the application or review read when the approval was given: the
 * registry pull request is built from this alone, and an issue that reads differently later
 * voids the approval. Absent in approvals recorded before it existed.
 */
const ApprovedSchema = z.object({
  kind: z.enum(["application", "review"]),
  code: z.string().regex(INSTANCE_CODE),
  /** The tier the application asked for. */
  asked: z.enum(["basic", "full"]).optional(),
  /** sha256 of the instance, the tier asked, a new instance's answers and every evidence answer. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** The evidence links, added to the registry's. */
  evidence: z.array(z.string().max(MAX_APPROVED_LINK_CHARS)).max(MAX_APPROVED_LINKS),
  /** For an instance the registry does not have yet. */
  newInstance: z
    .object({
      name: z.string().max(MAX_NAME_CHARS),
      hosts: z.array(z.string().max(253)).max(MAX_NEW_INSTANCE_WORDS),
      aliases: z.array(z.string().max(MAX_ALIAS_CHARS)).max(MAX_NEW_INSTANCE_WORDS),
    })
    .optional(),
  /** The id of the comment that approved: the same approval retried has the same. */
  comment: z.number().int().positive().optional(),
  /** The day of the approval, like 2026-11-25: the registry's `reviewed`. */
  on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/** The instance-managers circle's decision on a tier application or review. */
const TierDecisionSchema = z.object({
  outcome: z.enum(["approved", "declined"]),
  /** The tier approved. */
  tier: z.enum(["basic", "full"]).optional(),
  by: login,
  reason: z.string().max(500).optional(),
  /** On an approval: what was approved. */
  approved: ApprovedSchema.optional(),
});

/** What the app did on a tier application or review: each step once. */
const ApplicationRecordSchema = z.object({
  /** The circle's team was mentioned (once the application was complete). */
  mentioned: z.boolean().optional(),
  /** The registry pull request the app opened on approval. */
  pull: pullRef.optional(),
  /** Why the pull request could not be opened, for the comment. */
  problem: z.string().max(1000).optional(),
  /** The decision the applicant was told of (and, declined, the issue closed): told once. */
  told: z.enum(["approved", "declined"]).optional(),
  /** The registry pull request was merged and the issue closed with a note. */
  merged: z.boolean().optional(),
  /** An approval's pull request closed without merging: the approval was set aside. */
  unmerged: pullRef.optional(),
  /** An approval made void (the application changed after it): the circle decides again. */
  voided: z
    .object({
      by: login,
      tier: z.enum(["basic", "full"]).optional(),
      /** Why, in words the app wrote (never the applicant's text). */
      why: z.string().max(500),
      /** The registry pull request the app closed for it. */
      pull: pullRef.optional(),
    })
    .optional(),
});

/** What people said with slash commands; kept until changed by another command. */
const CommandedSchema = z.object({
  overrides: OverridesSchema.default({}),
  decision: PersonDecisionSchema.optional(),
  /** A rejected request opted into the paid jobs board, and by whom. */
  jobBoard: z.object({ by: login }).optional(),
  /** The job a developer took on the jobs board. */
  job: JobSchema.optional(),
  /** `/approve-tier` or `/decline-tier` on a tier application or review. */
  tier: TierDecisionSchema.optional(),
});

/** Logged time in minutes. Jobs-board time is paid extra work: never counted as pipe time. */
const TimeLogSchema = z.object({ pipe: minutes, jobs: minutes });

/** At most this many time entries on one issue (about 20k characters of state). */
export const MAX_TIME_ENTRIES = 200;

/**
 * One `/spent`: who wrote it, when the comment was written, how long (negative: a correction of
 * the writer's own time), in which bucket, and the comment it came from.
 */
const TimeEntrySchema = z.object({
  by: login,
  at: z.iso.datetime(),
  minutes: z.number().int().min(-10_000_000).max(10_000_000),
  bucket: z.enum(["pipe", "jobs"]),
  comment: z.number().int().positive().optional(),
});

/** The response promise's clock (response-clock.ts): due, answered, escalated. */
const isoTime = z.string().max(40);
const ResponseSchema = z.object({
  severity: z.enum(SEVERITIES),
  /** The tier whose promise it is (the strictest of those covering the request). */
  tier: z.enum(TIERS).optional(),
  startedAt: isoTime,
  dueAt: isoTime,
  respondedAt: isoTime.optional(),
  respondedBy: z.string().max(40).optional(),
  escalated: z
    .array(z.enum(["half", "breach"]))
    .max(2)
    .default([]),
});

/** The hidden state kept in the bot comment, so any replica decides the same thing. */
const StateSchema = z.object({
  v: z.literal(1),
  /** Labels the app itself added (not a person's overrides). */
  applied: z.array(z.string().max(100)).max(MAX_LABELS),
  /** Labels the app added that a person removed: never added again. */
  suppressed: z.array(z.string().max(100)).max(MAX_LABELS).default([]),
  overrides: OverridesSchema.default({}),
  outcome: z.enum(OUTCOMES).optional(),
  /** Recent delivery ids, so a re-delivery is recognised cheaply. */
  deliveries: z.array(z.string().max(100)).max(20).optional(),
  /** What the app last set on the board. */
  board: BoardRecordSchema.optional(),
  commanded: CommandedSchema.optional(),
  /** Totals logged before time entries existed (kept as they were, never added to). */
  time: TimeLogSchema.optional(),
  /** Every `/spent` since, oldest first: all time totals are derived from these and `time`. */
  entries: z.array(TimeEntrySchema).max(MAX_TIME_ENTRIES).optional(),
  /** Ids of comments whose commands were handled, so a re-delivery runs nothing twice. */
  seen: z.array(z.number().int()).max(50).optional(),
  /** Notifications already sent (an S0 alert, a new jobs-board item): sent once. */
  alerted: z.object({ s0: z.boolean().optional(), jobs: z.boolean().optional() }).optional(),
  /** On a tier application or review: what the app did about the circle's decision. */
  application: ApplicationRecordSchema.optional(),
  /** A digest of what the decision read (see readDigest): the sweep re-decides only an issue
   * that changed since, never one whose registry or policy alone changed. */
  read: z.string().max(64).optional(),
  /** The decision held back a rejection while the live registry was broken (see hold.ts). */
  held: z.boolean().optional(),
  /** The tier's response promise for an accepted request, while it runs and after. */
  response: ResponseSchema.optional(),
});

export type Overrides = z.output<typeof OverridesSchema>;
export type CardValues = z.output<typeof CardValuesSchema>;
export type BoardRecord = z.output<typeof BoardRecordSchema>;
export type PersonDecision = z.output<typeof PersonDecisionSchema>;
export type Commanded = z.output<typeof CommandedSchema>;
export type Job = z.output<typeof JobSchema>;
export type TierDecision = z.output<typeof TierDecisionSchema>;
export type Approved = z.output<typeof ApprovedSchema>;
export type ApplicationRecord = z.output<typeof ApplicationRecordSchema>;
export type TimeLog = z.output<typeof TimeLogSchema>;
export type TimeEntry = z.output<typeof TimeEntrySchema>;
export type ResponseClock = z.output<typeof ResponseSchema>;
export type Price = z.output<typeof PriceSchema>;
export type RecordedState = z.output<typeof StateSchema>;

export function encodeState(state: RecordedState): string {
  // "--" cannot appear inside an HTML comment; inside JSON strings it can be escaped.
  const json = JSON.stringify(state).replace(/--/g, "-\\u002d");
  return `${STATE_PREFIX}${json}${STATE_SUFFIX}`;
}

const MAX_DELIVERIES = 5;
const MAX_SEEN = 20;

/**
 * The body with its recorded state replaced by `state`; the visible text is kept. A body without
 * a (complete) state gets one at the end, where decodeState looks for it.
 */
export function replaceState(body: string, state: RecordedState): string {
  const start = body.lastIndexOf(STATE_PREFIX);
  const end = start < 0 ? -1 : body.indexOf(STATE_SUFFIX, start + STATE_PREFIX.length);
  if (end < 0) return `${body.trimEnd()}\n${encodeState(state)}\n`;
  return body.slice(0, start) + encodeState(state) + body.slice(end + STATE_SUFFIX.length);
}

/**
 * Each item once, where it last appears (lists oldest first): the newest comment's entries come
 * last, so a cap that keeps the last entries keeps them.
 */
const union = <T>(lists: readonly (readonly T[] | undefined)[]): T[] =>
  [...new Set(lists.flatMap((list) => list ?? []).reverse())].reverse();

/** Every list's items, or undefined when no state had the list at all. */
const unionIfAny = <T>(lists: readonly (readonly T[] | undefined)[]): T[] | undefined =>
  lists.some((list) => list !== undefined) ? union(lists) : undefined;

const lastDefined = <T>(values: readonly (T | undefined)[]): T | undefined =>
  values.findLast((value) => value !== undefined);

/** Field by field, the last record that has the field wins; no field is dropped. */
function laterFieldsWin<T extends object>(records: readonly (T | undefined)[]): T {
  const merged: Record<string, unknown> = {};
  for (const record of records) {
    for (const [key, value] of Object.entries(record ?? {}))
      if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

/** A decision, a jobs-board opt-in or a job is one person's act: taken whole, never mixed. */
function mergeCommanded(all: readonly (Commanded | undefined)[]): Commanded | undefined {
  const present = all.filter((c): c is Commanded => c !== undefined);
  if (!present.length) return undefined;
  const decision = lastDefined(present.map((c) => c.decision));
  const jobBoard = lastDefined(present.map((c) => c.jobBoard));
  const job = lastDefined(present.map((c) => c.job));
  const tier = lastDefined(present.map((c) => c.tier));
  return {
    overrides: laterFieldsWin(present.map((c) => c.overrides)),
    ...(decision ? { decision } : {}),
    ...(jobBoard ? { jobBoard } : {}),
    ...(job ? { job } : {}),
    ...(tier ? { tier } : {}),
  };
}

/** Both comments recorded the same log as it grew: the longer one has it all, never a sum. */
function mergeTime(all: readonly (TimeLog | undefined)[]): TimeLog | undefined {
  const present = all.filter((t): t is TimeLog => t !== undefined);
  if (!present.length) return undefined;
  return {
    pipe: Math.max(...present.map((t) => t.pipe)),
    jobs: Math.max(...present.map((t) => t.jobs)),
  };
}

/** Entries either comment recorded, each once, oldest first (the newest kept within the cap). */
function mergeEntries(all: readonly (TimeEntry[] | undefined)[]): TimeEntry[] | undefined {
  if (!all.some((list) => list !== undefined)) return undefined;
  const byKey = new Map<string, TimeEntry>();
  for (const entry of all.flatMap((list) => list ?? []))
    byKey.set(
      JSON.stringify([entry.comment, entry.at, entry.by, entry.minutes, entry.bucket]),
      entry,
    );
  return [...byKey.values()].sort((a, b) => a.at.localeCompare(b.at)).slice(-MAX_TIME_ENTRIES);
}

/** An alert either comment sent was sent: OR-ed, so it is never sent twice. */
function mergeAlerted(all: readonly RecordedState["alerted"][]): RecordedState["alerted"] {
  const present = all.filter((a) => a !== undefined);
  if (!present.length) return undefined;
  const merged: NonNullable<RecordedState["alerted"]> = {};
  for (const key of ["s0", "jobs"] as const) {
    const values = present.map((a) => a[key]).filter((v) => v !== undefined);
    if (values.length) merged[key] = values.some(Boolean);
  }
  return merged;
}

/**
 * One state from the states of several bot comments on one issue, oldest first: replicas that
 * raced (an expired lock lease, GitHub's read-after-write lag) each wrote their own comment.
 * Nothing any of them remembered is lost:
 * - `applied`, `suppressed`, `deliveries`, `seen`: the union (deliveries and seen keep their caps,
 *   the newest entries staying): a label a person removed stays removed, and no delivery or
 *   command runs twice;
 * - `alerted`: OR-ed: an alert either sent is never sent again;
 * - `commanded`, `overrides`: the newest's value wins field by field, and a field only an older
 *   one recorded is kept;
 * - `time`: the larger pipe and jobs minutes each (the same log, recorded twice);
 * - `entries`: the union, in date order (the same entry recorded twice counts once);
 * - `outcome`, `board`, `read`, `held`: the newest's; an older one's only when the newest has none (a
 *   card an older run put on the board is still there);
 * - `application`: field by field, the newest's; a step only an older one recorded stays done.
 */
export function mergeStates(states: readonly RecordedState[]): RecordedState {
  if (!states.length) throw new RangeError("mergeStates needs at least one state");
  const each = <K extends keyof RecordedState>(key: K) => states.map((s) => s[key]);
  const deliveries = unionIfAny(each("deliveries"))?.slice(-MAX_DELIVERIES);
  const seen = unionIfAny(each("seen"))?.slice(-MAX_SEEN);
  const outcome = lastDefined(each("outcome"));
  const board = lastDefined(each("board"));
  const commanded = mergeCommanded(each("commanded"));
  const time = mergeTime(each("time"));
  const entries = mergeEntries(each("entries"));
  const alerted = mergeAlerted(each("alerted"));
  // A step either comment recorded (a pull request opened, a note sent) was done.
  const application = each("application").some(Boolean)
    ? laterFieldsWin(each("application"))
    : undefined;
  const read = lastDefined(each("read"));
  const held = lastDefined(each("held"));
  return {
    v: 1,
    applied: union(each("applied")).slice(-MAX_LABELS),
    suppressed: union(each("suppressed")).slice(-MAX_LABELS),
    overrides: laterFieldsWin(each("overrides")),
    ...(outcome ? { outcome } : {}),
    ...(deliveries ? { deliveries } : {}),
    ...(board ? { board } : {}),
    ...(commanded ? { commanded } : {}),
    ...(time ? { time } : {}),
    ...(entries ? { entries } : {}),
    ...(seen ? { seen } : {}),
    ...(alerted ? { alerted } : {}),
    ...(application ? { application } : {}),
    ...(read ? { read } : {}),
    ...(held ? { held } : {}),
  };
}

/** What the issue carries now: its labels, and the state the app recorded last time. */
export interface IssueLabelsAndState {
  labels: string[];
  previous?: RecordedState;
}

/** What happened in this run, besides the plan, that the state remembers. */
export interface ThisRun {
  deliveryId?: string;
  /** The card the app set on the board. */
  board?: BoardRecord;
  /** Notifications sent so far (an S0 alert, a new jobs-board item). */
  alerted?: RecordedState["alerted"];
  /** The comment whose commands were just handled. */
  seenComment?: number;
  /** On a tier application or review: what the app has done about the decision so far. */
  application?: ApplicationRecord;
  /** The digest of what this decision read (readDigest). */
  read?: string;
  /** The response promise's clock after this run; null ends it (no longer accepted). */
  response?: ResponseClock | null;
}

/**
 * The state to record after a plan is applied: the one place it is put together. Which labels
 * are the app's own (not a person's), what people said with commands and the time they logged
 * (kept until changed), the deliveries and comments already handled, the card, the alerts sent.
 */
export function nextState(
  plan: {
    labels: string[];
    suppressed: string[];
    overrides: RecordedState["overrides"];
    outcome: RecordedState["outcome"];
    held?: boolean;
  },
  current: IssueLabelsAndState,
  run: ThisRun | string = {},
): RecordedState {
  const happened: ThisRun = typeof run === "string" ? { deliveryId: run } : run;
  const previous = current.previous;
  const ours = new Set(previous?.applied ?? []);
  const human = new Set(current.labels.filter((label) => !ours.has(label)));
  const deliveries = [...(previous?.deliveries ?? [])];
  const id = happened.deliveryId;
  if (id && !deliveries.includes(id)) deliveries.push(id);
  const seen =
    happened.seenComment === undefined
      ? previous?.seen
      : [...(previous?.seen ?? []), happened.seenComment].slice(-MAX_SEEN);
  const alerted = happened.alerted ?? previous?.alerted;
  const application = happened.application ?? previous?.application;
  const read = happened.read ?? previous?.read;
  const response = happened.response === undefined ? previous?.response : happened.response;
  return {
    v: 1,
    applied: plan.labels.filter((label) => !human.has(label)),
    suppressed: plan.suppressed,
    overrides: plan.overrides,
    outcome: plan.outcome,
    deliveries: deliveries.slice(-MAX_DELIVERIES),
    ...(happened.board ? { board: happened.board } : {}),
    ...(previous?.commanded ? { commanded: previous.commanded } : {}),
    ...(previous?.time ? { time: previous.time } : {}),
    ...(previous?.entries ? { entries: previous.entries } : {}),
    ...(seen ? { seen } : {}),
    ...(alerted ? { alerted } : {}),
    ...(application ? { application } : {}),
    ...(read ? { read } : {}),
    ...(plan.held ? { held: true } : {}),
    ...(response ? { response } : {}),
  };
}

/**
 * What a decision reads from an issue, as a short digest: its title, body and the labels a person
 * set (every label but those the app itself applied). Equal digests: the issue is as it was.
 */
export function readDigest(
  issue: { title: string; body?: string | null },
  labels: readonly string[],
  applied: readonly string[] = [],
): string {
  const human = labels.filter((l) => !applied.includes(l)).sort();
  const text = JSON.stringify([issue.title, issue.body ?? "", human]);
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * Whether two bot comments say the same apart from the recorded delivery ids: a re-delivery only
 * changes those, which is not worth a write.
 */
export function sameBesidesDeliveries(a: string, b: string): boolean {
  const visible = (body: string) => body.slice(0, body.lastIndexOf(STATE_PREFIX));
  const rest = (body: string) => {
    const state = decodeState(body);
    if (!state) return body;
    return JSON.stringify({ ...state, deliveries: undefined });
  };
  return visible(a) === visible(b) && rest(a) === rest(b);
}

/**
 * The longest recorded state read (its JSON): every list in the schema is capped, and the
 * largest state the app writes (an approval with its evidence links) is well under this. Longer
 * text is not parsed at all.
 */
const MAX_STATE_CHARS = 48_000;

/** The state in a comment body, or undefined when absent or not trustworthy. */
export function decodeState(body: string): RecordedState | undefined {
  const start = body.lastIndexOf(STATE_PREFIX);
  if (start < 0) return undefined;
  const end = body.indexOf(STATE_SUFFIX, start + STATE_PREFIX.length);
  if (end < 0 || end - start - STATE_PREFIX.length > MAX_STATE_CHARS) return undefined;
  try {
    const parsed = StateSchema.safeParse(JSON.parse(body.slice(start + STATE_PREFIX.length, end)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

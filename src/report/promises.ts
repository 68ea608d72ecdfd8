// The response promises of a period, per tier and severity: how many were met, missed or are
// still open, and the median time to a first human response. Pure: the clocks come from the
// records (pipe-records.ts), the time from the caller.
import type { Policy } from "../registry/policy.js";
import { TIERS, type Tier } from "../registry/schema.js";
import { SEVERITIES, type Severity } from "../registry/vocabulary.js";
import {
  minutesToResponse,
  promiseOutcome,
  type PromiseOutcome,
  type ResponseClock,
} from "../triage/response-clock.js";
import { median } from "./median.js";
import { inPeriod, type Period } from "./period.js";
import type { PipeRecord } from "./pipe-records.js";

export interface PromiseRow {
  /** The tier whose promise it was; absent when the clock did not record one. */
  tier?: Tier;
  severity: Severity;
  /** The tier's promise as config/tiers.yml writes it now (`1h`); absent when it makes none. */
  promised?: string;
  met: number;
  missed: number;
  /** Not yet due, and not yet answered. */
  open: number;
  /** Median minutes from the clock's start to the first response, over the answered ones. */
  medianMinutesToResponse?: number;
}

/**
 * A promise counts in the period its due time falls in, so each is counted once, in one
 * period, whatever the periods asked for: a promise due next month is in next month's table.
 */
const dueWithin = (clock: ResponseClock, period: Period) => inPeriod(clock.dueAt, period);

const keyOf = (clock: ResponseClock) => `${clock.tier ?? ""} ${clock.severity}`;

/** Tiers in the registry's order, a clock without a tier last; then S0 before S1. */
function rank(row: PromiseRow): number {
  const tier = row.tier ? TIERS.indexOf(row.tier) : TIERS.length;
  return tier * SEVERITIES.length + SEVERITIES.indexOf(row.severity);
}

/** One (tier, severity)'s row from its clocks; each clock is judged by its own due time. */
function rowOf(clocks: readonly ResponseClock[], policy: Policy, now: Date): PromiseRow {
  const { tier, severity } = clocks[0]!;
  const promised = tier ? policy.tiers[tier].respond_within[severity] : undefined;
  const count = (outcome: PromiseOutcome) =>
    clocks.filter((c) => promiseOutcome(c, now) === outcome).length;
  const answered = clocks.flatMap((c) => minutesToResponse(c) ?? []);
  const med = median(answered);
  return {
    ...(tier ? { tier } : {}),
    severity,
    ...(promised ? { promised } : {}),
    met: count("met"),
    missed: count("missed"),
    open: count("open"),
    ...(med !== undefined ? { medianMinutesToResponse: Math.round(med) } : {}),
  };
}

/** The rows of the promises due in the period: only (tier, severity) pairs that had one. */
export function promiseRows(
  records: readonly PipeRecord[],
  period: Period,
  policy: Policy,
  now: Date,
): PromiseRow[] {
  const groups = new Map<string, ResponseClock[]>();
  for (const r of records) {
    if (!r.response || !dueWithin(r.response, period)) continue;
    const key = keyOf(r.response);
    groups.set(key, [...(groups.get(key) ?? []), r.response]);
  }
  return [...groups.values()].map((c) => rowOf(c, policy, now)).sort((a, b) => rank(a) - rank(b));
}

/** One decimal at most, without a trailing `.0`: 3.5, 2. */
const short = (n: number) => String(Math.round(n * 10) / 10);

/** A duration as people read it: `25 min` under an hour, `3.5 h` under a day, `2 d` after. */
export function humanMinutes(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return `${short(m / 60)} h`;
  return `${short(m / (24 * 60))} d`;
}

/** The load report's section. Every cell is the app's own: enum values and the checked policy. */
export function renderPromises(rows: readonly PromiseRow[]): string[] {
  const lines = [
    "## Response promises",
    "",
    "Each promise counts in the period its due time falls in. Met: a person first answered by " +
      "the due time. Missed: the first answer came later, or has not come and the time is past. " +
      "Open: not yet due and not yet answered.",
    "",
  ];
  if (!rows.length) return [...lines, "No response promises fell due in this period."];
  return [
    ...lines,
    "| tier | severity | promised | met | missed | open | median time to first response |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.tier ?? "—"} | ${r.severity} | ${r.promised ?? "—"} | ${r.met} | ${r.missed} | ${r.open} | ${r.medianMinutesToResponse !== undefined ? humanMinutes(r.medianMinutesToResponse) : "—"} |`,
    ),
  ];
}

// Logged time, derived from the entries every `/spent` records: the totals the bot comment and
// the card show, a job's own time, and the minutes of a period. Records older than entries keep
// their totals (`time`), which count as logged before the first entry. Pure.
import type { Job, RecordedState, TimeEntry, TimeLog } from "./state.js";

export type { TimeEntry, TimeLog };

/** A stretch of time: start inclusive, end exclusive (a report's period is one). */
export interface Span {
  start: Date;
  end: Date;
}

type Logged = Pick<RecordedState, "time" | "entries"> | undefined;

/** The entries of an issue, oldest first (none in older records). */
export const entriesOf = (state: Logged): readonly TimeEntry[] => state?.entries ?? [];

/** Pipe and jobs-board minutes logged on an issue: the older totals, then every entry. */
export function timeTotals(state: Logged): TimeLog {
  const totals = { pipe: state?.time?.pipe ?? 0, jobs: state?.time?.jobs ?? 0 };
  for (const e of entriesOf(state)) totals[e.bucket] += e.minutes;
  return { pipe: Math.max(0, totals.pipe), jobs: Math.max(0, totals.jobs) };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The minutes one person logged in one bucket (their corrections included). */
export function minutesBy(state: Logged, login: string, bucket: TimeEntry["bucket"]): number {
  return entriesOf(state)
    .filter((e) => e.bucket === bucket && same(e.by, login))
    .reduce((sum, e) => sum + e.minutes, 0);
}

/** A job's entries: the jobs-board time its developer logged. */
export const jobEntries = (job: Job, state: Logged): TimeEntry[] =>
  entriesOf(state).filter((e) => e.bucket === "jobs" && same(e.by, job.taker));

/**
 * Minutes of the job logged before entries existed: the older jobs total, less what was logged
 * before the job was taken. They count as logged on the day it was done.
 */
export const legacyJobMinutes = (job: Job, state: Logged): number =>
  Math.max(0, (state?.time?.jobs ?? 0) - (job.from ?? 0));

/** The jobs-board minutes this job's developer logged (not those logged before it was taken). */
export function jobMinutes(job: Job, state: Logged): number {
  const logged = jobEntries(job, state).reduce((sum, e) => sum + e.minutes, 0);
  return Math.max(0, legacyJobMinutes(job, state) + logged);
}

/** Whether an ISO time falls in a period (start inclusive, end exclusive). */
export function within(at: string, period: Span): boolean {
  const t = Date.parse(at);
  return t >= period.start.getTime() && t < period.end.getTime();
}

/** The minutes of these entries written in a period. */
export const minutesWithin = (entries: readonly TimeEntry[], period: Span): number =>
  entries.filter((e) => within(e.at, period)).reduce((sum, e) => sum + e.minutes, 0);

/** The entries with this one added in date order (a comment answered late keeps its date). */
export function withEntry(entries: readonly TimeEntry[], entry: TimeEntry): TimeEntry[] {
  const after = entries.findIndex((e) => e.at > entry.at);
  return after < 0
    ? [...entries, entry]
    : [...entries.slice(0, after), entry, ...entries.slice(after)];
}

// Core hours stable, jobs in addition: each developer's pipe and jobs-board hours per month, with
// a plain flag on a month where their pipe hours fell below their own usual while their jobs-board
// hours rose above theirs (the community's rule: jobs-board work must not siphon hours off the
// pipe). Pure.
import { tableCell } from "../markup/inert.js";
import type { TimeEntry } from "../triage/time-log.js";
import type { Period } from "./period.js";
import { UNKNOWN_LOGIN, type PipeRecord } from "./pipe-records.js";

export interface DeveloperMonth {
  developer: string;
  /** Like 2026-11. */
  month: string;
  pipeHours: number;
  jobsHours: number;
  /** Their median hours over the three months before this one (a month without time: 0). */
  usual: { pipeHours: number; jobsHours: number };
  /** Pipe hours below their usual while jobs-board hours rose above theirs. */
  flagged: boolean;
}

/** How many months before each one make a developer's usual. */
export const TRAILING_MONTHS = 3;

const monthOf = (at: string | Date) => new Date(at).toISOString().slice(0, 7);

/** The month `back` months before `month` (2026-01 and 1: 2025-12). */
function monthBefore(month: string, back: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return monthOf(new Date(Date.UTC(y, m - 1 - back, 1)));
}

/** Where to start reading for a period's table: its first month's usual needs the months before. */
export function readFrom(period: Period): Date {
  const first = monthBefore(monthOf(period.start), TRAILING_MONTHS);
  return new Date(`${first}-01T00:00:00Z`);
}

/** The months a period touches, oldest first. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  const last = monthOf(new Date(period.end.getTime() - 1));
  for (let m = monthOf(period.start); m <= last; m = monthBefore(m, -1)) months.push(m);
  return months;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/** Minutes per developer, month and bucket, from every entry whose writer is known. */
function tally(
  records: readonly PipeRecord[],
): Map<string, Map<string, Record<TimeEntry["bucket"], number>>> {
  const byDeveloper = new Map<string, Map<string, Record<TimeEntry["bucket"], number>>>();
  for (const e of records.flatMap((r) => r.entries)) {
    if (e.by === UNKNOWN_LOGIN) continue;
    const login = e.by.toLowerCase();
    const months = byDeveloper.get(login) ?? new Map();
    const cell = months.get(monthOf(e.at)) ?? { pipe: 0, jobs: 0 };
    cell[e.bucket] += e.minutes;
    months.set(monthOf(e.at), cell);
    byDeveloper.set(login, months);
  }
  return byDeveloper;
}

/**
 * Each developer's months of the period in which they logged time. `records` should reach three
 * months before the period, for the first months' usual.
 */
export function developerMonths(records: readonly PipeRecord[], period: Period): DeveloperMonth[] {
  const rows: DeveloperMonth[] = [];
  for (const [developer, months] of tally(records)) {
    const at = (month: string) => months.get(month) ?? { pipe: 0, jobs: 0 };
    for (const month of monthsOf(period)) {
      if (!months.has(month)) continue;
      const before = Array.from({ length: TRAILING_MONTHS }, (_, i) =>
        at(monthBefore(month, i + 1)),
      );
      const usual = {
        pipe: median(before.map((b) => b.pipe)),
        jobs: median(before.map((b) => b.jobs)),
      };
      const now = at(month);
      rows.push({
        developer,
        month,
        pipeHours: hours(now.pipe),
        jobsHours: hours(now.jobs),
        usual: { pipeHours: hours(usual.pipe), jobsHours: hours(usual.jobs) },
        flagged: now.pipe < usual.pipe && now.jobs > usual.jobs,
      });
    }
  }
  return rows.sort(
    (a, b) => a.developer.localeCompare(b.developer) || a.month.localeCompare(b.month),
  );
}

// Logins are written without "@": a report posted every period must not notify everyone in it.
export function renderDeveloperMonths(rows: readonly DeveloperMonth[]): string[] {
  const lines = [
    "## Developers' hours by month",
    "",
    `Jobs-board work comes in addition to the pipe, never in its place: ⚑ marks a month in which a developer's pipe hours fell below their own median of the ${TRAILING_MONTHS} months before while their jobs-board hours rose above theirs.`,
    "",
  ];
  if (!rows.length) return [...lines, "No time was logged in the period."];
  return [
    ...lines,
    "| developer | month | pipe h | jobs-board h | usual pipe h | usual jobs-board h | flag |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${tableCell(r.developer, 60)} | ${r.month} | ${r.pipeHours} | ${r.jobsHours} | ${r.usual.pipeHours} | ${r.usual.jobsHours} | ${r.flagged ? "⚑ pipe down, jobs up" : ""} |`,
    ),
  ];
}

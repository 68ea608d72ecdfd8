// What counts against an hour cap: the cap's current period, and the hours one request of the
// pipe counts against each of its instances. Pure (the pipe is read in github/cap-usage.ts).
import type { HourCap } from "../registry/policy.js";
import type { TriageConfig } from "../registry/triage-config.js";
import { minutesWithin } from "../triage/time-log.js";
import type { PipeRecord } from "./pipe-records.js";
import { inPeriod, parsePeriod, type Period } from "./period.js";

/** The month or quarter that contains `now`. */
export function currentPeriod(per: HourCap["per"], now = new Date()): Period {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return per === "month"
    ? parsePeriod(`${y}-${String(m + 1).padStart(2, "0")}`)!
    : parsePeriod(`${y}-Q${Math.floor(m / 3) + 1}`)!;
}

/**
 * Hours one record counts against each of its instances' caps in the cap's period: `nominal`,
 * its size's hours when it was opened in the period; `logged`, the pipe hours logged in the
 * period (by each entry's date, whenever the request was opened).
 */
export function hoursCounted(
  r: PipeRecord,
  cap: HourCap,
  config: TriageConfig,
  period: Period,
): number {
  if (r.outcome !== "accepted" || r.jobBoard) return 0;
  const share = 1 / Math.max(r.instances.length, 1);
  if (cap.count === "logged") {
    const pipe = r.entries.filter((e) => e.bucket === "pipe");
    return (minutesWithin(pipe, period) / 60) * share;
  }
  const opened = inPeriod(r.createdAt, period);
  return opened && r.size ? config.policy.size_hours[r.size] * share : 0;
}

// What counts against an hour cap: the cap's current period, and the hours one request of the
// pipe counts against each of its instances. Pure (the pipe is read in github/cap-usage.ts).
import type { HourCap } from "../registry/policy.js";
import type { TriageConfig } from "../registry/triage-config.js";
import type { PipeRecord } from "./load.js";
import { parsePeriod, type Period } from "./period.js";

/** The month or quarter that contains `now`. */
export function currentPeriod(per: HourCap["per"], now = new Date()): Period {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return per === "month"
    ? parsePeriod(`${y}-${String(m + 1).padStart(2, "0")}`)!
    : parsePeriod(`${y}-Q${Math.floor(m / 3) + 1}`)!;
}

/** Hours one record counts against each of its instances' caps. */
export function hoursCounted(r: PipeRecord, cap: HourCap, config: TriageConfig): number {
  if (r.outcome !== "accepted" || r.jobBoard) return 0;
  const share = 1 / Math.max(r.instances.length, 1);
  const hours =
    cap.count === "logged" ? r.pipeMinutes / 60 : r.size ? config.policy.size_hours[r.size] : 0;
  return hours * share;
}

// How many pipe hours instances have used this month or quarter, counted from GitHub itself
// (the pipe's issues and their bot comments, as the load report reads them), so every replica
// computes the same figure. Cached for a minute per installation and period.
import type { TriageConfig } from "../registry/triage-config.js";
import type { HourCap } from "../registry/policy.js";
import type { PipeRecord } from "../report/load.js";
import { parsePeriod, type Period } from "../report/period.js";
import { readPipe } from "./pipe-read.js";
import type { HoursUsed } from "../triage/caps.js";
import type { GitHub } from "./client-types.js";
import { TtlCache } from "./ttl-cache.js";
import { instanceOf } from "../registry/schema.js";

const cache = new TtlCache<PipeRecord[]>(60 * 1000, 200);

export function forgetCapUsage(): void {
  cache.clear();
}

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

export async function hoursUsed(
  github: GitHub,
  config: TriageConfig,
  codes: readonly string[],
  where: { installation: string; repo: string; number: number; appLogin: string },
): Promise<HoursUsed> {
  const used = new Map<string, number>();
  for (const code of codes) {
    const cap = config.policy.tiers[instanceOf(config.registry, code)?.tier ?? "none"].hour_cap;
    if (!cap) continue;
    const period = currentPeriod(cap.per);
    const key = `${where.installation}:${period.label}`;
    let records = cache.get(key);
    if (!records) {
      records = await readPipe(github, config, period, where.appLogin);
      cache.set(key, records);
    }
    used.set(
      code,
      records
        .filter(
          (r) =>
            r.instances.includes(code) && !(r.repo === where.repo && r.number === where.number),
        )
        .reduce((sum, r) => sum + hoursCounted(r, cap, config), 0),
    );
  }
  return used;
}

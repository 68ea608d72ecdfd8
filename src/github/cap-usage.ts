// How many pipe hours instances have used this month or quarter, counted from GitHub itself
// (the pipe's issues and their bot comments, as the load report reads them), so every replica
// computes the same figure. Cached for a minute per installation and period.
import type { TriageConfig } from "../registry/triage-config.js";
import type { PipeRecord } from "../report/pipe-records.js";
import { currentPeriod, hoursCounted } from "../report/cap-hours.js";
import { readPipe } from "./pipe-read.js";
import type { HoursUsed } from "../triage/caps.js";
import type { GitHub } from "./client-types.js";
import { TtlCache } from "./ttl-cache.js";
import { instanceOf } from "../registry/schema.js";

const cache = new TtlCache<PipeRecord[]>(60 * 1000, 200);

export function forgetCapUsage(): void {
  cache.clear();
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
      records = await readPipe(github, config, period.start, where.appLogin);
      cache.set(key, records);
    }
    used.set(
      code,
      records
        .filter(
          (r) =>
            r.instances.includes(code) && !(r.repo === where.repo && r.number === where.number),
        )
        .reduce((sum, r) => sum + hoursCounted(r, cap, config, period), 0),
    );
  }
  return used;
}

// GET /status: what a health check or a person wants to know, as JSON: whether the replicas
// share Redis, the work queue (waiting, running, failures waiting for a retry or for the sweep),
// the last reconcile sweep (any replica's) and the live registry's state.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Coordinator, WorkQueue } from "../coordination/types.js";
import type { ConfigStore } from "../github/live-config.js";
import { LAST_SWEEP } from "../reconcile/schedule.js";

export interface StatusDeps {
  queue: WorkQueue;
  coordinator: Coordinator;
  store: ConfigStore;
  /** RECONCILE_EVERY_MINUTES */
  every: number;
}

export async function statusReport(deps: StatusDeps) {
  const queue = await deps.queue.status();
  const registry = deps.store.describe();
  return {
    ok: registry.live.every((r) => r.valid),
    replicas: deps.coordinator.kind === "redis" ? "shared through Redis" : "this process only",
    queue,
    failuresWaiting: queue.retrying + queue.failed,
    sweep: {
      everyMinutes: deps.every,
      last: (await deps.coordinator.note(LAST_SWEEP)) ?? null,
    },
    registry,
  };
}

export function statusHandler(deps: StatusDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || path !== "/status") return false;
    try {
      // A health check must answer: Redis that does not answer within 2 s is a failed check.
      const report = await Promise.race([
        statusReport(deps),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("Redis did not answer within 2 s")), 2_000).unref(),
        ),
      ]);
      const body = JSON.stringify(report, null, 2);
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    } catch (error) {
      // Redis unreachable, say: the check fails, with the reason.
      const body = JSON.stringify({ ok: false, error: String((error as Error).message) });
      res.writeHead(503, { "content-type": "application/json" }).end(body);
    }
    return true;
  };
}

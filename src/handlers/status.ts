// GET /status: what a health check or a person wants to know, as JSON. Anyone gets the coarse
// health: `ok`, the work queue's counts (waiting, running, failures waiting for a retry or for
// the sweep) and when the last reconcile sweep (any replica's) ran. The details (whether the
// replicas share Redis, what the last sweep found, and the live registry's state per
// installation: installation ids, the registry's repository, and its problems, which quote its
// lines) only with the status token (STATUS_TOKEN, as `Authorization: Bearer …`) or from this
// machine.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Coordinator, WorkQueue } from "../coordination/types.js";
import type { ConfigStore } from "../github/live-config.js";
import { DELIVERY_LOG, type DeliveryLogNote } from "../features/sweep/delivery-log.js";
import { LAST_SWEEP, type LastSweep } from "../features/sweep/schedule.js";

export interface StatusDeps {
  queue: WorkQueue;
  coordinator: Coordinator;
  store: ConfigStore;
  /** RECONCILE_EVERY_MINUTES */
  every: number;
  /** STATUS_TOKEN: who presents it reads the details from anywhere. */
  token?: string;
}

export async function statusReport(deps: StatusDeps) {
  const queue = await deps.queue.status();
  const registry = deps.store.describe();
  const last = ((await deps.coordinator.note(LAST_SWEEP)) ?? null) as LastSweep | null;
  return {
    ok: registry.live.every((r) => r.valid),
    replicas: deps.coordinator.kind === "redis" ? "shared through Redis" : "this process only",
    queue,
    failuresWaiting: queue.retrying + queue.failed,
    sweep: {
      everyMinutes: deps.every,
      last,
    },
    /** Response promises waiting for a first response, and the overdue, as the sweep counted. */
    promises: last?.promises ?? null,
    /** What GitHub's delivery log showed failed, and was asked for again. */
    deliveries: ((await deps.coordinator.note(DELIVERY_LOG)) ?? null) as DeliveryLogNote | null,
    registry,
  };
}

type Report = Awaited<ReturnType<typeof statusReport>>;

/** What anyone may read: health, counts, a time (which issues failed is a detail). */
function coarse(report: Report) {
  const { ok, queue, failuresWaiting, sweep, deliveries, promises } = report;
  const last = sweep.last ? { at: sweep.last.at, failed: sweep.last.failed } : null;
  const redelivered = deliveries
    ? { redelivered: deliveries.redelivered, checkedAt: deliveries.checkedAt }
    : null;
  return { ok, queue, failuresWaiting, sweep: { last }, deliveries: redelivered, promises };
}

/** Who asks: this machine or the token's holder (details), anyone else, or a wrong token. */
type Asker = "trusted" | "anyone" | "wrong-token";

/**
 * Loopback, unless the request came through a proxy (it says so in Forwarded or
 * X-Forwarded-For): a proxy on this machine would make every outside request look local.
 */
function fromThisMachine(req: IncomingMessage): boolean {
  if (req.headers.forwarded !== undefined || req.headers["x-forwarded-for"] !== undefined)
    return false;
  const address = req.socket.remoteAddress ?? "";
  return /^(::ffff:)?127\./.test(address) || address === "::1";
}

/** Equal in constant time: the digests have one length whatever was sent. */
const sameSecret = (given: string, token: string) =>
  timingSafeEqual(
    createHash("sha256").update(given).digest(),
    createHash("sha256").update(token).digest(),
  );

export function asker(req: IncomingMessage, token: string | undefined): Asker {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (token && given && sameSecret(given, token)) return "trusted";
    return "wrong-token";
  }
  return fromThisMachine(req) ? "trusted" : "anyone";
}

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
  res
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(JSON.stringify(body, null, 2));

export function statusHandler(deps: StatusDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || path !== "/status") return false;
    const who = asker(req, deps.token);
    if (who === "wrong-token") {
      // Said plainly, so a health check set up with a stale token is noticed.
      json(res, 401, { ok: false, error: "wrong status token" }, { "www-authenticate": "Bearer" });
      return true;
    }
    try {
      // A health check must answer: Redis that does not answer within 2 s is a failed check.
      const report = await Promise.race([
        statusReport(deps),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("Redis did not answer within 2 s")), 2_000).unref(),
        ),
      ]);
      json(res, 200, who === "trusted" ? report : coarse(report));
    } catch (error) {
      // Redis unreachable, say: the check fails, with the reason for those who may read it.
      const reason = who === "trusted" ? String((error as Error).message) : "not available";
      json(res, 503, { ok: false, error: reason });
    }
    return true;
  };
}

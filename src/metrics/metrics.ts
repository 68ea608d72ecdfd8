// The process's metrics (prom-client), built from the one table (catalog.ts), and the calls that
// record them. Each replica counts its own; a scraper sums them (docs/running-it.md). Recording
// never throws and never waits: a metric must not be why work fails.
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type OpenMetricsContentType,
} from "prom-client";
import { METRICS, PREFIX, type MetricName } from "./catalog.js";

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

const registry = new Registry<OpenMetricsContentType>();
registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
collectDefaultMetrics({ register: registry, prefix: PREFIX });

const built = new Map<MetricName, AnyMetric>();
for (const spec of METRICS) {
  const common = {
    name: `${PREFIX}${spec.name}`,
    help: spec.help,
    labelNames: [...spec.labels],
    registers: [registry],
  };
  const metric =
    spec.type === "counter"
      ? new Counter(common)
      : spec.type === "gauge"
        ? new Gauge(common)
        : new Histogram({ ...common, buckets: [...(spec.buckets ?? [])] });
  built.set(spec.name, metric);
}

const counter = (name: MetricName) => built.get(name) as Counter<string>;
const gauge = (name: MetricName) => built.get(name) as Gauge<string>;
const histogram = (name: MetricName) => built.get(name) as Histogram<string>;

/** Label values the code chose; anything else becomes "other" (a bound on the series). */
const bounded = (value: string, allowed: readonly string[]) =>
  allowed.includes(value) ? value : "other";

export const DELIVERY_RESULTS = ["queued", "duplicate", "ignored", "refused", "failed"] as const;
export type DeliveryResult = (typeof DELIVERY_RESULTS)[number];

/** Recording never fails the work it measures. */
function safely(record: () => void): void {
  try {
    record();
  } catch {
    // A metric lost is better than a write that looks failed (and is retried).
  }
}

/**
 * Event names a delivery is counted under: the events the features take and a few GitHub sends
 * every App (set at start). The header is not signed: any other name counts as "other".
 */
const knownEvents = new Set(["ping", "installation", "installation_repositories", "unverified"]);
export function knowEvents(events: Iterable<string>): void {
  for (const event of events) knownEvents.add(event.split(".")[0]!);
}

/** A delivery and what became of it; `event` is GitHub's event name, or "unverified". */
export function countDelivery(event: string, result: DeliveryResult): void {
  safely(() =>
    counter("deliveries_total").inc({ event: knownEvents.has(event) ? event : "other", result }),
  );
}

/** A request decided in its turn; with the time since its delivery when it made the comment. */
export function countDecision(outcome: string, kind: string, commentedAfterMs?: number): void {
  counter("decisions_total").inc({
    outcome: bounded(outcome, ["accepted", "rejected", "needs-info", "not-pipe", "undecided"]),
    kind: bounded(kind, ["instance", "install", "other"]),
  });
  if (commentedAfterMs !== undefined && commentedAfterMs >= 0) {
    histogram("delivery_to_comment_seconds").observe(commentedAfterMs / 1000);
  }
}

/** One answer (or none: status 0) from GitHub, and the rate limit it reported. */
export function countGitHubRequest(
  api: "rest" | "graphql",
  kind: "read" | "write",
  status: number,
  headers?: Record<string, string | number | undefined>,
): void {
  safely(() => {
    const code = Number.isInteger(status) && status >= 0 && status < 600 ? String(status) : "0";
    counter("github_requests_total").inc({ api, kind, status: code });
    // REST's and GraphQL's limits are separate budgets: each its own series.
    const resource = bounded(String(headers?.["x-ratelimit-resource"] ?? "core"), [
      "core",
      "graphql",
      "search",
    ]);
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    const limit = Number(headers?.["x-ratelimit-limit"]);
    if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining))
      gauge("github_rate_limit_remaining").set({ resource }, remaining);
    if (headers?.["x-ratelimit-limit"] !== undefined && Number.isFinite(limit))
      gauge("github_rate_limit_limit").set({ resource }, limit);
  });
}

/** A sweep this replica ran: whether it finished, how many issues it queued and missed. */
export function countSweep(result: "ok" | "failed", repaired = 0, failed = 0): void {
  safely(() => {
    counter("sweep_runs_total").inc({ result });
    if (repaired) counter("sweep_repairs_total").inc(repaired);
    if (failed) counter("sweep_failures_total").inc(failed);
  });
}

export function countRedeliveries(asked: number): void {
  safely(() => {
    if (asked > 0) counter("redeliveries_total").inc(asked);
  });
}

/** Open response promises and the overdue among them, as a sweep counted them. */
export function countPromises(open: number, overdue: number): void {
  safely(() => {
    gauge("response_promises").set({ state: "open" }, open);
    gauge("response_promises").set({ state: "overdue" }, overdue);
  });
}

/** A first response recorded against a promise: in time or not. */
export function countFirstResponse(outcome: "met" | "missed" | "open"): void {
  safely(() =>
    counter("first_responses_total").inc({ outcome: outcome === "missed" ? "missed" : "met" }),
  );
}

/** An unanswered S0 announced again. */
export function countEscalation(step: "half" | "breach"): void {
  safely(() => counter("escalations_total").inc({ step }));
}

/** How long a lock was waited for; its kind is the key's first part ("issue:…" -> issue). */
export function observeLockWait(key: string, seconds: number): void {
  safely(() => {
    const kind = /^[a-z-]{1,30}(?=:|$)/.exec(key)?.[0] ?? "other";
    histogram("lock_wait_seconds").observe({ lock: kind }, seconds);
  });
}

/** The queue's counts, read when scraped. */
export type QueueCounts = Record<"waiting" | "active" | "retrying" | "failed", number> & {
  scheduled?: number;
};

/** The exposition, in the OpenMetrics text format, with the queue's counts as they are now. */
export async function metricsText(queue: () => Promise<QueueCounts>): Promise<string> {
  const counts = await queue();
  const items = gauge("queue_items");
  for (const [state, value] of Object.entries(counts)) items.set({ state }, value);
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;

// Every metric the app exports, one table: its name, what it counts, its labels. The exporter,
// the operators' page and the example alerts are checked against this list. Labels take only
// values the code chooses (an event name GitHub signed, an outcome, a status code): never an
// issue number, a login or any text from outside.

export const PREFIX = "sysadmin_pipe_";

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricSpec {
  /** Without the prefix; a counter's name ends in `_total`, a unit's name ends the rest. */
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** A histogram's buckets, in its unit. */
  buckets?: readonly number[];
}

export const METRICS = [
  {
    name: "deliveries_total",
    type: "counter",
    help: "Webhook deliveries by event and what became of them (queued, duplicate, ignored, refused, failed).",
    labels: ["event", "result"],
  },
  {
    name: "decisions_total",
    type: "counter",
    help: "Requests decided in their turn, by outcome and kind.",
    labels: ["outcome", "kind"],
  },
  {
    name: "delivery_to_comment_seconds",
    type: "histogram",
    help: "From a delivery's arrival to the bot comment it first made on the issue.",
    labels: [],
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
  },
  {
    name: "queue_items",
    type: "gauge",
    help: "Work in this installation's queues (shared through Redis): waiting, active, retrying, failed, scheduled (set for a later time).",
    labels: ["state"],
  },
  {
    name: "github_requests_total",
    type: "counter",
    help: "Requests to GitHub by API (rest, graphql), kind (read, write) and status code (0: no answer).",
    labels: ["api", "kind", "status"],
  },
  {
    name: "github_rate_limit_remaining",
    type: "gauge",
    help: "Requests left in a GitHub rate limit (core, graphql, search, other), as its last answer said.",
    labels: ["resource"],
  },
  {
    name: "github_rate_limit_limit",
    type: "gauge",
    help: "A GitHub rate limit (core, graphql, search, other), as its last answer said.",
    labels: ["resource"],
  },
  {
    name: "sweep_runs_total",
    type: "counter",
    help: "Reconcile sweeps run by this replica, by result (ok, failed).",
    labels: ["result"],
  },
  {
    name: "sweep_repairs_total",
    type: "counter",
    help: "Issues the sweep found stale and queued for repair (lost commands included).",
    labels: [],
  },
  {
    name: "sweep_failures_total",
    type: "counter",
    help: "Issues the sweep could not look at (each is reported and tried at the next sweep).",
    labels: [],
  },
  {
    name: "redeliveries_total",
    type: "counter",
    help: "Failed deliveries in GitHub's delivery log that the app asked GitHub to send again.",
    labels: [],
  },
  {
    name: "response_promises",
    type: "gauge",
    help: "Response promises still waiting for a first response (open), and those of them past due (overdue), as the last sweep counted them.",
    labels: ["state"],
  },
  {
    name: "first_responses_total",
    type: "counter",
    help: "First responses to requests with a response promise, by whether they came in time (met, missed).",
    labels: ["outcome"],
  },
  {
    name: "escalations_total",
    type: "counter",
    help: "Unanswered S0s announced again, by step (half: half the promised time gone; breach: all of it).",
    labels: ["step"],
  },
  {
    name: "lock_wait_seconds",
    type: "histogram",
    help: "Time spent waiting for a lock (issue, sweep, delivery log…), by the lock's kind.",
    labels: ["lock"],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
  },
] as const satisfies readonly MetricSpec[];

export type MetricName = (typeof METRICS)[number]["name"];

/** The names a scraper sees: a histogram's series and the counters as written. */
export function exportedNames(): string[] {
  return METRICS.flatMap((m) =>
    m.type === "histogram"
      ? [`${PREFIX}${m.name}_bucket`, `${PREFIX}${m.name}_sum`, `${PREFIX}${m.name}_count`]
      : [`${PREFIX}${m.name}`],
  );
}

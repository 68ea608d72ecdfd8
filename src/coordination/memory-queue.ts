// The work queue of a single replica, in memory: per installation one item at a time, urgent
// (S0) items first, then oldest first; a failed item is tried again on RETRY_DELAYS_MS. On a
// stop it takes nothing new and works off what waits (within the shutdown deadline); what is
// left then is lost here: issues are found again by the reconcile sweep, commands are not.
// Work set for later waits on a timer; a stop drops it (the sweep takes up what falls due).
import { systemClock, type Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import {
  RETRY_DELAYS_MS,
  type Coordinator,
  type QueueStatus,
  type Runner,
  type WorkItem,
  type WorkQueue,
} from "./types.js";

interface Entry<T> {
  item: WorkItem<T>;
  /** Arrival order: a retried item keeps its place among the oldest. */
  seq: number;
  attempts: number;
}

interface Lane<T> {
  waiting: Entry<T>[];
  running?: Promise<void>;
  current?: Entry<T>;
}

export interface QueueOptions {
  retryDelaysMs?: readonly number[];
  log: Logger;
  /** The time set work waits for (the system's; tests move their own). */
  clock?: Clock;
}

/** Urgent first, then oldest. */
const before = <T>(a: Entry<T>, b: Entry<T>) =>
  a.item.urgent !== b.item.urgent ? (a.item.urgent ? -1 : 1) : a.seq - b.seq;

export function memoryQueue<T>(claims: Coordinator, options: QueueOptions): WorkQueue<T> {
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const lanes = new Map<string, Lane<T>>();
  const retrying = new Map<Entry<T>, NodeJS.Timeout>();
  let failed = 0;
  let seq = 0;
  let runner: Runner<T> | undefined;
  let closing = false;
  /** Work set for later, by id: what cancels its timer. */
  const scheduled = new Map<string, () => void>();
  const clock = options.clock ?? systemClock;

  const laneOf = (installation: string) => {
    let lane = lanes.get(installation);
    if (!lane) lanes.set(installation, (lane = { waiting: [] }));
    return lane;
  };

  const settle = (entry: Entry<T>, error: unknown) => {
    const delay = delays[entry.attempts - 1];
    const where = { work: entry.item.id, issue: entry.item.issue, attempt: entry.attempts };
    if (delay === undefined || closing) {
      failed++;
      options.log.error({ ...where, error: String(error) }, "queued work failed for good");
      // GitHub's "Redeliver" must not be dropped as already received.
      void claims.unclaim(`queued:${entry.item.id}`);
      return;
    }
    options.log.warn(
      { ...where, error: String(error), retryInMs: delay },
      "queued work failed, will be retried",
    );
    const timer = setTimeout(() => {
      retrying.delete(entry);
      laneOf(entry.item.installation).waiting.push(entry);
      pump(entry.item.installation);
    }, delay);
    timer.unref();
    retrying.set(entry, timer);
  };

  const pump = (installation: string) => {
    const lane = laneOf(installation);
    if (!runner || lane.running || !lane.waiting.length) return;
    lane.waiting.sort(before);
    const entry = lane.waiting.shift()!;
    entry.attempts++;
    lane.current = entry;
    const run = runner;
    lane.running = (async () => run(entry.item))()
      .catch((error: unknown) => settle(entry, error))
      .finally(() => {
        lane.running = lane.current = undefined;
        pump(installation);
      });
  };

  return {
    async add(item) {
      // GitHub then shows the delivery as failed, to be redelivered to a running replica.
      if (closing) throw new Error("the app is stopping: not taking new work");
      if (!(await claims.claim(`queued:${item.id}`, 24 * 60 * 60))) return false;
      laneOf(item.installation).waiting.push({ item, seq: seq++, attempts: 0 });
      pump(item.installation);
      return true;
    },
    async later(item, at) {
      if (closing || scheduled.has(item.id)) return false;
      const cancel = clock.at(at, () => {
        scheduled.delete(item.id);
        if (closing) return;
        this.add(item).catch((error: unknown) =>
          options.log.warn({ work: item.id, error: String(error) }, "set work could not be queued"),
        );
      });
      scheduled.set(item.id, cancel);
      return true;
    },
    async start(run) {
      runner = run;
      for (const installation of lanes.keys()) pump(installation);
    },
    async queuedIssues() {
      const entries = [...lanes.values()].flatMap((l) => [
        ...l.waiting,
        ...(l.current ? [l.current] : []),
      ]);
      return new Set([...entries, ...retrying.keys()].map((e) => e.item.issue));
    },
    async status(): Promise<QueueStatus> {
      const all = [...lanes.values()];
      return {
        waiting: all.reduce((n, l) => n + l.waiting.length, 0),
        active: all.filter((l) => l.running).length,
        retrying: retrying.size,
        failed,
        scheduled: scheduled.size,
      };
    },
    async close() {
      closing = true;
      for (const timer of retrying.values()) clearTimeout(timer);
      for (const cancel of scheduled.values()) cancel();
      scheduled.clear();
      if (retrying.size)
        options.log.warn(
          { lost: retrying.size },
          "stopping: failed work waiting for a retry is dropped",
        );
      // Work off what waits; the process's shutdown deadline bounds how long.
      const running = () => [...lanes.values()].flatMap((l) => (l.running ? [l.running] : []));
      if (!runner) return;
      while (running().length) await Promise.allSettled(running());
    },
  };
}

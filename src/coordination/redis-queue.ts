// The work queue of several replicas, on Redis with BullMQ: one queue per installation, run one
// item at a time across all replicas (BullMQ's global concurrency), S0 first (priority 1) then
// oldest first (FIFO within a priority). Items survive a restart; an item whose replica died is
// found stalled and run again by another; a failed item is retried on RETRY_DELAYS_MS. Work set
// for later is a delayed job of its own queue ("later", its id the item's, so every replica
// setting it sets it once): when it falls due, whichever replica's worker takes it adds the item
// to its installation's queue. It survives a restart in Redis.
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { systemClock, type Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import { KEY_PREFIX } from "./redis-coordinator.js";
import {
  RETRY_DELAYS_MS,
  type Coordinator,
  type QueueStatus,
  type Runner,
  type WorkItem,
  type WorkQueue,
} from "./types.js";

export interface RedisQueueOptions {
  retryDelaysMs?: readonly number[];
  /** How often a replica looks for installations another replica queued for first. */
  discoverEveryMs?: number;
  log: Logger;
  /** The app's time: a delay is counted from it (the system's; tests move their own). */
  clock?: Clock;
}

const INSTALLATIONS = `${KEY_PREFIX}:installations`;
const LATER = "later";
const OPEN_STATES = ["waiting", "prioritized", "active", "delayed"] as const;
/** BullMQ ids and queue names may not contain ":". */
const safe = (text: string) => text.replace(/[^\w.#/@-]/g, "_");

export function redisQueue<T>(
  redis: Redis,
  claims: Coordinator,
  options: RedisQueueOptions,
): WorkQueue<T> {
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const workers = new Map<string, Worker>();
  let runner: Runner<T> | undefined;
  let discover: NodeJS.Timeout | undefined;
  const clock = options.clock ?? systemClock;
  const later = new Queue<WorkItem<T>>(LATER, { connection: redis, prefix: KEY_PREFIX });
  let laterWorker: Worker | undefined;

  const queues = new Map<string, Queue>();
  const opening = new Map<string, Promise<Queue>>();
  /** The installation's queue, limited to one item at a time before anything is added to it. */
  const queueOf = (installation: string): Promise<Queue> => {
    let ready = opening.get(installation);
    if (!ready) {
      const queue = new Queue(`work-${safe(installation)}`, {
        connection: redis,
        prefix: KEY_PREFIX,
      });
      ready = queue.setGlobalConcurrency(1).then(() => {
        queues.set(installation, queue);
        return queue;
      });
      // A Redis blip here is tried again by the next add, not remembered.
      ready.catch(() => opening.delete(installation));
      opening.set(installation, ready);
    }
    return ready;
  };

  const workerFor = (installation: string) => {
    if (!runner || workers.has(installation)) return;
    const run = runner;
    const worker = new Worker<WorkItem<T>>(
      `work-${safe(installation)}`,
      async (job: Job<WorkItem<T>>) => run(job.data),
      {
        connection: redis,
        prefix: KEY_PREFIX,
        concurrency: 1,
        // A dead replica's work is found and run again within ~30 s (its lock lapses in 20 s).
        lockDuration: 20_000,
        stalledInterval: 10_000,
        maxStalledCount: 2,
        settings: { backoffStrategy: (made: number) => delays[made - 1] ?? delays.at(-1) ?? 0 },
      },
    );
    worker.on("failed", (job, error) => {
      const where = { work: job?.id, issue: job?.data.issue, attempt: job?.attemptsMade };
      const final = (job?.attemptsMade ?? 0) > delays.length;
      // GitHub's "Redeliver" must not be dropped as already received.
      if (final && job) void claims.unclaim(`queued:${job.data.id}`).catch(() => undefined);
      options.log[final ? "error" : "warn"](
        { ...where, error: String(error) },
        final ? "queued work failed for good" : "queued work failed, will be retried",
      );
    });
    worker.on("stalled", (id) =>
      options.log.warn({ work: id }, "work found stalled (its replica stopped): run again"),
    );
    worker.on("error", (error) => options.log.warn({ error: String(error) }, "work queue error"));
    workers.set(installation, worker);
  };

  const discoverInstallations = async () => {
    for (const installation of await redis.smembers(INSTALLATIONS)) {
      await queueOf(installation);
      workerFor(installation);
    }
  };

  const allJobs = async () => {
    await discoverInstallations().catch(() => undefined);
    const lists = await Promise.all(
      [...queues.values()].map((q) => q.getJobs([...OPEN_STATES], 0, 10_000)),
    );
    return lists.flat().filter(Boolean);
  };

  const queue: WorkQueue<T> = {
    async add(item) {
      if (!(await claims.claim(`queued:${item.id}`, 24 * 60 * 60))) return false;
      try {
        await redis.sadd(INSTALLATIONS, item.installation);
        const queue = await queueOf(item.installation);
        await queue.add("work", item, {
          jobId: safe(item.id),
          priority: item.urgent ? 1 : 2,
          attempts: delays.length + 1,
          backoff: { type: "custom" },
          removeOnComplete: { age: 24 * 60 * 60, count: 5_000 },
          removeOnFail: { age: 7 * 24 * 60 * 60 },
        });
        workerFor(item.installation);
        return true;
      } catch (error) {
        await claims.unclaim(`queued:${item.id}`).catch(() => undefined);
        throw error;
      }
    },
    async later(item, at) {
      const jobId = safe(item.id);
      if (await later.getJob(jobId)) return false;
      await later.add(LATER, item, {
        jobId,
        delay: Math.max(0, at - clock.now()),
        removeOnComplete: { age: 24 * 60 * 60 },
        removeOnFail: { age: 7 * 24 * 60 * 60 },
      });
      return true;
    },
    async start(run) {
      runner = run;
      // A due item goes to its installation's queue (a second add of its id is dropped there).
      laterWorker = new Worker<WorkItem<T>>(
        LATER,
        async (job) => void (await queue.add(job.data)),
        {
          connection: redis,
          prefix: KEY_PREFIX,
          concurrency: 1,
        },
      );
      laterWorker.on("error", (error) =>
        options.log.warn({ error: String(error) }, "set-for-later queue error"),
      );
      await discoverInstallations();
      discover = setInterval(() => {
        discoverInstallations().catch((error: unknown) =>
          options.log.warn({ error: String(error) }, "could not look for installations"),
        );
      }, options.discoverEveryMs ?? 10_000);
      discover.unref();
    },
    async queuedIssues() {
      return new Set((await allJobs()).map((job) => (job.data as WorkItem<T>).issue));
    },
    async status(): Promise<QueueStatus> {
      await discoverInstallations().catch(() => undefined);
      const counts = await Promise.all(
        [...queues.values()].map((q) =>
          q.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"),
        ),
      );
      const sum = (key: string) => counts.reduce((n, c) => n + (c[key] ?? 0), 0);
      const set = await later.getJobCounts("delayed", "waiting", "active");
      return {
        waiting: sum("waiting") + sum("prioritized"),
        active: sum("active"),
        retrying: sum("delayed"),
        failed: sum("failed"),
        scheduled: (set.delayed ?? 0) + (set.waiting ?? 0) + (set.active ?? 0),
      };
    },
    async close() {
      clearInterval(discover);
      await laterWorker?.close();
      await later.close();
      await Promise.all([...workers.values()].map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
  return queue;
}

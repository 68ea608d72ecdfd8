// Choosing the coordinator and the work queue: Redis when REDIS_URL is set (any number of
// replicas), this process otherwise (one replica). A configured Redis that cannot be reached
// stops the start: running alone while others share Redis would break the one truth.
// The Redis modules (ioredis, BullMQ) are loaded only when REDIS_URL is set: one replica starts
// without them.
import type { Redis } from "ioredis";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import { redactSecrets } from "../redact.js";
import { inProcessCoordinator } from "./in-process.js";
import { memoryQueue } from "./memory-queue.js";
import type { Coordinator, WorkQueue } from "./types.js";

export interface Shared<T> {
  coordinator: Coordinator;
  queue: WorkQueue<T>;
  close: () => Promise<void>;
}

export interface SharedOptions {
  redisUrl?: string;
  log: Logger;
  retryDelaysMs?: readonly number[];
  /** Redis must answer within this time at start. */
  connectTimeoutMs?: number;
  /** The time work set for later waits for (the system's; tests move their own). */
  clock?: Clock;
}

export class RedisUnreachable extends Error {}

export async function connectShared<T>(options: SharedOptions): Promise<Shared<T>> {
  if (!options.redisUrl) {
    const coordinator = inProcessCoordinator();
    const queue = memoryQueue<T>(coordinator, options);
    return { coordinator, queue, close: () => queue.close() };
  }
  const [{ redisCoordinator }, { redisQueue }] = await Promise.all([
    import("./redis-coordinator.js"),
    import("./redis-queue.js"),
  ]);
  const redis = await reach(options.redisUrl, options, {});
  // BullMQ's workers block on Redis: they need a connection that never gives up on a command.
  const forQueue = await reach(options.redisUrl, options, { maxRetriesPerRequest: null });
  const coordinator = redisCoordinator(redis, { log: options.log });
  const queue = redisQueue<T>(forQueue, coordinator, options);
  return {
    coordinator,
    queue,
    async close() {
      await queue.close();
      await forQueue.quit().catch(() => forQueue.disconnect());
      await coordinator.close();
    },
  };
}

async function reach(
  url: string,
  options: SharedOptions,
  extra: { maxRetriesPerRequest?: null },
): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { lazyConnect: true, ...extra });
  redis.on("error", (error) =>
    options.log.warn({ error: redactSecrets(String(error)) }, "Redis connection"),
  );
  const timeout = options.connectTimeoutMs ?? 5_000;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer")), timeout)),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const why = redactSecrets((error as Error).message);
    throw new RedisUnreachable(
      `REDIS_URL=${redactSecrets(url)}: Redis does not answer (${why}); the replicas share their work through it, so the app does not start without it`,
    );
  }
}

// The coordinator of several replicas: locks, claims and notes in Redis. A replica's own
// waiters for a key queue in memory first (KeyedLock), so only one of them at a time asks Redis.
import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { observeLockWait } from "../metrics/metrics.js";
import { KeyedLock } from "./keyed-lock.js";
import { LOCK_DEFAULTS, RedisLock, type LockOptions } from "./redis-lock.js";
import type { Coordinator } from "./types.js";

export const KEY_PREFIX = "sysadmin-pipe";

export function redisCoordinator(
  redis: Redis,
  options: Partial<LockOptions> & { log: Logger },
): Coordinator {
  const local = new KeyedLock();
  const lock = new RedisLock(redis, { ...LOCK_DEFAULTS, ...options });
  const lockKey = (key: string) => `${KEY_PREFIX}:lock:${key}`;
  return {
    kind: "redis",
    withLock: (key, work) => {
      const asked = performance.now();
      return local.run(key, async () => {
        const token = (await lock.acquire(lockKey(key), true))!;
        observeLockWait(key, (performance.now() - asked) / 1000);
        return lock.hold(lockKey(key), token, work);
      });
    },
    async tryLock(key, work) {
      if (local.busy(key)) return undefined;
      return local.run(key, async () => {
        const token = await lock.acquire(lockKey(key), false);
        if (!token) return undefined;
        return { value: await lock.hold(lockKey(key), token, work) };
      });
    },
    async claim(id, ttlSeconds) {
      return (await redis.set(`${KEY_PREFIX}:claim:${id}`, "1", "EX", ttlSeconds, "NX")) === "OK";
    },
    async unclaim(id) {
      await redis.del(`${KEY_PREFIX}:claim:${id}`);
    },
    async note(key, value) {
      const k = `${KEY_PREFIX}:note:${key}`;
      if (value !== undefined) await redis.set(k, JSON.stringify(value));
      const text = await redis.get(k);
      return text === null ? undefined : (JSON.parse(text) as unknown);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

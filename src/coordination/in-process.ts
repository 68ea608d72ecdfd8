// The coordinator of a single replica: everything lives in this process. Correct as long as
// only one process writes (docs/running-it.md: more than one replica requires Redis).
import { observeLockWait } from "../metrics/metrics.js";
import { KeyedLock } from "./keyed-lock.js";
import type { Coordinator } from "./types.js";

export function inProcessCoordinator(): Coordinator {
  const locks = new KeyedLock();
  const claims = new Map<string, number>();
  const notes = new Map<string, unknown>();
  const forgetExpired = (now: number) => {
    for (const [id, until] of claims) if (until <= now) claims.delete(id);
  };
  return {
    kind: "process",
    withLock: (key, work) => {
      const asked = performance.now();
      return locks.run(key, () => {
        observeLockWait(key, (performance.now() - asked) / 1000);
        return work();
      });
    },
    async tryLock(key, work) {
      if (locks.busy(key)) return undefined;
      return { value: await locks.run(key, work) };
    },
    async claim(id, ttlSeconds) {
      const now = Date.now();
      if (claims.size > 10_000) forgetExpired(now);
      if ((claims.get(id) ?? 0) > now) return false;
      claims.set(id, now + ttlSeconds * 1000);
      return true;
    },
    async unclaim(id) {
      claims.delete(id);
    },
    async note(key, value) {
      if (value !== undefined) notes.set(key, value);
      return notes.get(key);
    },
    async close() {},
  };
}

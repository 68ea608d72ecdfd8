// A lock in Redis that any replica (or the command line) can hold: SET NX with a random token
// and an expiry longer than a triage, renewed while the work runs, released only by its owner
// (a compare-and-delete script). If a holder dies, the lock frees itself when it expires.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { withLease } from "./lease.js";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end return 0`;

export interface LockOptions {
  /** How long a lock lives without renewal. */
  ttlMs: number;
  /** How long to wait for a busy lock before giving up (the work then fails and is retried). */
  maxWaitMs: number;
  log: Logger;
}

export const LOCK_DEFAULTS = { ttlMs: 20_000, maxWaitMs: 10 * 60_000 } as const;

export class LockTimeout extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisLock {
  constructor(
    private readonly redis: Redis,
    private readonly options: LockOptions,
  ) {}

  /** Take `key`, waiting for it when `wait` is true; the token, or undefined when busy. */
  async acquire(key: string, wait: boolean): Promise<string | undefined> {
    const token = randomUUID();
    const started = Date.now();
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      if (await this.redis.set(key, token, "PX", this.options.ttlMs, "NX")) return token;
      if (!wait) return undefined;
      if (Date.now() - started > this.options.maxWaitMs)
        throw new LockTimeout(`waited ${this.options.maxWaitMs} ms for ${key}`);
      await sleep(pause + Math.random() * pause);
    }
  }

  /** Run `work` holding `key` under `token`, renewing it, and release it afterwards. */
  async hold<T>(key: string, token: string, work: () => Promise<T>): Promise<T> {
    let renewed = Date.now();
    let gone = false;
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, key, token, this.options.ttlMs).then(
        (kept) => {
          if (kept) renewed = Date.now();
          else if (!gone) {
            gone = true;
            this.options.log.warn({ lock: key }, "lost a lock while working: stopping its writes");
          }
        },
        (error: unknown) =>
          this.options.log.warn({ lock: key, error: String(error) }, "could not renew a lock"),
      );
    }, this.options.ttlMs / 3);
    const lost = () => gone || Date.now() - renewed > this.options.ttlMs;
    try {
      return await withLease({ key, lost }, work);
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token).catch((error: unknown) => {
        // It expires by itself; nothing else to do.
        this.options.log.warn({ lock: key, error: String(error) }, "could not release a lock");
      });
    }
  }
}

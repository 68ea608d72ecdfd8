// The replicas' shared truth, against a real redis-server: locks that exclude across clients,
// are renewed while held, free themselves when a holder dies and are released only by their
// owner; claims that say "first" once; and the BullMQ work queue: S0 first then oldest, one item
// at a time across replicas, retried after a failure, kept across a restart.
import { Redis } from "ioredis";
import { redisCoordinator } from "../src/coordination/redis-coordinator.js";
import { RedisLock } from "../src/coordination/redis-lock.js";
import { redisQueue } from "../src/coordination/redis-queue.js";
import type { WorkItem } from "../src/coordination/types.js";
import { ConfigStore } from "../src/github/live-config.js";
import { scheduleReconcile } from "../src/features/sweep/schedule.js";
import { shippedConfig } from "./helpers/config.js";
import { describeWithRedis, startRedis, type RedisServer } from "./helpers/redis.js";

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: RedisServer;
const closers: (() => Promise<unknown>)[] = [];
/** A replica's own connection to Redis. */
function connection(): Redis {
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  closers.push(() => client.quit());
  return client;
}
const replica = () => redisCoordinator(connection(), { log, ttlMs: 300 });

beforeAll(async () => {
  if (describeWithRedis !== describe.skip) redis = await startRedis();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});
afterAll(async () => redis?.stop());

describeWithRedis("locks across replicas", () => {
  test("two replicas never hold one issue's lock at the same time, and each waits its turn", async () => {
    const [a, b] = [replica(), replica()];
    let holders = 0;
    let most = 0;
    const turns: string[] = [];
    const work = (who: string) => async () => {
      most = Math.max(most, ++holders);
      await sleep(30);
      turns.push(who);
      holders--;
    };
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).withLock("issue:o/r#1", work(`${i}`))),
    );
    expect(most).toBe(1);
    expect(turns).toHaveLength(10);
  });

  test("a lock held longer than its expiry is renewed, so nobody else gets in", async () => {
    const [a, b] = [replica(), replica()];
    let bGotIn = false;
    const held = a.withLock("issue:o/r#2", () => sleep(1_000)); // ttl is 300 ms
    await sleep(50);
    const tried = await b.tryLock("issue:o/r#2", async () => (bGotIn = true));
    await held;
    expect(tried).toBeUndefined();
    expect(bGotIn).toBe(false);
  });

  test("a replica that dies holding a lock frees it when the lock expires", async () => {
    const raw = connection();
    // The dead replica's lock: taken, never renewed, never released.
    await raw.set("sysadmin-pipe:lock:issue:o/r#3", "dead-token", "PX", 300, "NX");
    const started = Date.now();
    await replica().withLock("issue:o/r#3", async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  test("only the owner's token releases a lock", async () => {
    const raw = connection();
    const lock = new RedisLock(raw, { ttlMs: 5_000, maxWaitMs: 1_000, log });
    const token = (await lock.acquire("k", false))!;
    // Someone else's release (a stale holder whose lease was taken over) deletes nothing.
    await new RedisLock(raw, { ttlMs: 5_000, maxWaitMs: 1_000, log }).hold("k", "not-mine", () =>
      Promise.resolve(),
    );
    expect(await raw.get("k")).toBe(token);
    await lock.hold("k", token, () => Promise.resolve());
    expect(await raw.get("k")).toBeNull();
  });

  test("a delivery is claimed once, whichever replica sees it first", async () => {
    const replicas = [replica(), replica(), replica()];
    const claims = await Promise.all(replicas.map((r) => r.claim("queued:delivery-42", 60)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

type Item = WorkItem<{ n: number }>;
const item = (n: number, urgent = false, installation = "1"): Item => ({
  id: `d-${n}`,
  installation,
  issue: `o/r#${n}`,
  urgent,
  task: { n },
});
const queueOn = (retryDelaysMs: number[] = [50]) => {
  const queue = redisQueue<{ n: number }>(connection(), replica(), { log, retryDelaysMs });
  closers.push(() => queue.close());
  return queue;
};
async function until(done: () => boolean, ms = 20_000) {
  for (const end = Date.now() + ms; !done(); await sleep(20))
    if (Date.now() > end) throw new Error("timed out");
}

describeWithRedis("the work queue on Redis", () => {
  beforeEach(async () => {
    await redis.client().flushall();
  });

  test("an S0 emergency runs before everything queued earlier, then oldest first", async () => {
    const queue = queueOn();
    for (const n of [1, 2, 3]) await queue.add(item(n));
    await queue.add(item(4, true));
    const order: number[] = [];
    await queue.start(async ({ task }) => void order.push(task.n));
    await until(() => order.length === 4);
    expect(order).toEqual([4, 1, 2, 3]);
  });

  test("three replicas' workers run one item at a time between them", async () => {
    const queues = [queueOn(), queueOn(), queueOn()];
    let running = 0;
    let most = 0;
    let done = 0;
    const run = async () => {
      most = Math.max(most, ++running);
      await sleep(20);
      running--;
      done++;
    };
    for (const q of queues) await q.start(run);
    for (let n = 0; n < 15; n++) await queues[n % 3]!.add(item(n));
    await until(() => done === 15);
    expect(most).toBe(1);
  });

  test("the same delivery queued on two replicas runs once", async () => {
    const [a, b] = [queueOn(), queueOn()];
    expect(await a.add(item(7))).toBe(true);
    expect(await b.add(item(7))).toBe(false);
    let runs = 0;
    await a.start(async () => void runs++);
    await until(() => runs === 1);
    await sleep(200);
    expect(runs).toBe(1);
  });

  test("failed work is tried again, and shows as retrying meanwhile", async () => {
    const queue = queueOn([300]);
    let tries = 0;
    await queue.start(async () => {
      if (++tries === 1) throw new Error("GitHub said 502");
    });
    await queue.add(item(8));
    await until(() => tries === 1);
    await sleep(50);
    expect((await queue.status()).retrying).toBe(1);
    expect(await queue.queuedIssues()).toEqual(new Set(["o/r#8"]));
    await until(() => tries === 2);
    await until(() => false, 100).catch(() => undefined);
    expect(await queue.status()).toMatchObject({ waiting: 0, retrying: 0, failed: 0 });
  });

  test("work queued before a restart is run by the next replica to start", async () => {
    const before = queueOn();
    await before.add(item(9));
    await before.close(); // never started: the replica stopped with work waiting
    const after = queueOn();
    const ran: number[] = [];
    await after.start(async ({ task }) => void ran.push(task.n));
    await until(() => ran.length === 1);
    expect(ran).toEqual([9]);
  });
});

describeWithRedis("the in-app sweep across replicas", () => {
  test("three replicas due at the same moment run one sweep, not three", async () => {
    let sweeps = 0;
    const app = {
      log: { ...log, child: () => app.log } as never,
      // The sweep's first step; counting it counts sweeps (and ends each one there).
      auth: async () => {
        sweeps++;
        await sleep(100);
        throw new Error("no GitHub in this test");
      },
    };
    const store = new ConfigStore(shippedConfig(), log);
    const schedules = [replica(), replica(), replica()].map((coordinator) =>
      scheduleReconcile(app as never, store, {
        everyMinutes: 15,
        firstAfterMs: 10,
        submit: async () => ({ queued: true }),
        coordinator,
        appLogin: async () => "sysadmin-pipe[bot]",
        queue: { queuedIssues: async () => new Set<string>() },
      }),
    );
    await sleep(500);
    for (const s of schedules) s.stop();
    expect(sweeps).toBe(1);
  });
});

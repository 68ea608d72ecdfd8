// One replica's work queue, in memory: S0 first then oldest, one item at a time per installation
// (two installations side by side), a delivery queued twice runs once, failed work is retried.
import { inProcessCoordinator } from "../src/coordination/in-process.js";
import { memoryQueue } from "../src/coordination/memory-queue.js";
import type { WorkItem } from "../src/coordination/types.js";
import { ManualClock } from "./helpers/manual-clock.js";

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const item = (n: number, urgent = false, installation = "1"): WorkItem<number> => ({
  id: `d-${n}`,
  installation,
  issue: `o/r#${n}`,
  urgent,
  task: n,
});
const queue = (retryDelaysMs = [20]) =>
  memoryQueue<number>(inProcessCoordinator(), { log, retryDelaysMs });

test("an accepted S0 goes ahead of a burst queued before it; the rest oldest first", async () => {
  const q = queue();
  const order: number[] = [];
  for (const n of [1, 2, 3]) await q.add(item(n));
  await q.add(item(9, true));
  await q.start(async ({ task }) => void order.push(task));
  await sleep(20);
  expect(order).toEqual([9, 1, 2, 3]);
});

test("one issue at a time per installation, two installations side by side", async () => {
  const q = queue();
  const running = new Map<string, number>();
  let most = 0;
  await q.start(async ({ installation }) => {
    running.set(installation, (running.get(installation) ?? 0) + 1);
    most = Math.max(most, running.get(installation)!);
    await sleep(5);
    running.set(installation, running.get(installation)! - 1);
  });
  for (let n = 0; n < 10; n++) await q.add(item(n, false, n % 2 ? "a" : "b"));
  await sleep(100);
  expect(most).toBe(1);
  expect(await q.status()).toEqual({ waiting: 0, active: 0, retrying: 0, failed: 0, scheduled: 0 });
});

test("a delivery queued twice runs once; failed work is retried, then counted as failed", async () => {
  const q = queue([10, 10]);
  const tries = new Map<number, number>();
  await q.start(async ({ task }) => {
    tries.set(task, (tries.get(task) ?? 0) + 1);
    if (task === 2) throw new Error("GitHub said 403");
  });
  expect(await q.add(item(1))).toBe(true);
  expect(await q.add(item(1))).toBe(false);
  await q.add(item(2));
  await sleep(100);
  expect(Object.fromEntries(tries)).toEqual({ 1: 1, 2: 3 });
  expect((await q.status()).failed).toBe(1);
});

test("stopping works off what waits, refuses new work, and a delivery that failed for good can be redelivered", async () => {
  const coordinator = inProcessCoordinator();
  const q = memoryQueue<number>(coordinator, { log, retryDelaysMs: [] });
  const ran: number[] = [];
  await q.start(async ({ task }) => {
    await sleep(5);
    if (task === 3) throw new Error("GitHub said 403");
    ran.push(task);
  });
  for (const n of [1, 2, 3, 4]) await q.add(item(n));
  await q.close();
  expect(ran).toEqual([1, 2, 4]);
  await expect(q.add(item(5))).rejects.toThrow(/stopping/);
  // The failed one's claim was given back, so GitHub's "Redeliver" is not dropped.
  expect(await coordinator.claim("queued:d-3", 60)).toBe(true);
  expect(await coordinator.claim("queued:d-1", 60)).toBe(false);
});

test("work set for later runs when the clock reaches its time, once however often it is set; a stop drops it", async () => {
  const clock = new ManualClock(0);
  const q = memoryQueue<number>(inProcessCoordinator(), { log, clock });
  const ran: number[] = [];
  await q.start(async ({ task }) => void ran.push(task));
  expect(await q.later(item(1), 30 * 60_000)).toBe(true);
  expect(await q.later(item(1), 30 * 60_000)).toBe(false); // another turn set the same step
  await q.later(item(2), 60 * 60_000);
  expect((await q.status()).scheduled).toBe(2);
  expect(await q.queuedIssues()).toEqual(new Set()); // set work leaves the sweep free to look
  clock.advance(29 * 60_000);
  await sleep(10);
  expect(ran).toEqual([]);
  clock.advance(60_000);
  await sleep(10);
  expect(ran).toEqual([1]);
  await q.close();
  expect(clock.pending).toBe(0);
  clock.advance(60 * 60_000);
  await sleep(10);
  expect(ran).toEqual([1]);
});

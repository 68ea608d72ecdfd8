// A lock that lapses while its work runs (a Redis failover, say) stops that work before its next
// write to GitHub: another replica may hold the issue now. Reads go on; the queue retries the work
// under a fresh lock.
import { Octokit } from "@octokit/rest";
import nock from "nock";
import { Redis } from "ioredis";
import { assertLeaseHeld, LeaseLost, withLease } from "../src/coordination/lease.js";
import { RedisLock } from "../src/coordination/redis-lock.js";
import { gitHubClient } from "../src/github/client.js";
import { describeWithRedis, startRedis, type RedisServer } from "./helpers/redis.js";

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("under a lapsed lock a write is refused before it leaves; a read goes through", async () => {
  const github = gitHubClient(new Octokit(), { log });
  const reads = nock("https://api.github.com").get("/repos/o/r/issues/1").reply(200, {});
  await withLease({ key: "issue:o/r#1", lost: () => true }, async () => {
    await github.rest.issues.get({ owner: "o", repo: "r", issue_number: 1 });
    await expect(
      github.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "x" }),
    ).rejects.toThrow(LeaseLost);
  });
  expect(reads.isDone()).toBe(true);
});

test("a board lock held inside a lapsed issue lock does not hide the lapse", async () => {
  await withLease({ key: "issue:o/r#2", lost: () => true }, () =>
    withLease({ key: "board:P_1", lost: () => false }, async () => {
      expect(() => assertLeaseHeld()).toThrow(/issue:o\/r#2 lapsed/);
    }),
  );
});

let redis: RedisServer | undefined;
afterAll(async () => redis?.stop());

describeWithRedis("a Redis lock that lapses", () => {
  test("its work learns it at the next renewal", async () => {
    redis = await startRedis();
    const client = new Redis(redis.url);
    const lock = new RedisLock(client, { ttlMs: 300, maxWaitMs: 1_000, log });
    const token = (await lock.acquire("sysadmin-pipe:lock:issue:o/r#3", false))!;
    await lock.hold("sysadmin-pipe:lock:issue:o/r#3", token, async () => {
      expect(() => assertLeaseHeld()).not.toThrow();
      await client.del("sysadmin-pipe:lock:issue:o/r#3"); // Redis lost it (a failover)
      await sleep(250);
      expect(() => assertLeaseHeld()).toThrow(LeaseLost);
    });
    client.disconnect();
  });
});

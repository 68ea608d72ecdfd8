// A rolling restart, as an operator does one with compose.yaml: two replicas (separate
// processes, as `npm start` runs them, stopping on SIGTERM as in production) on a real Redis,
// a stream of new issues delivered to them by turns, then SIGTERM to one while deliveries reach
// it, a new process in its place, then the same for the other. Every delivery is answered 2xx, or
// finds the port closed (GitHub records that delivery as failed, and the app's look at GitHub's
// delivery log asks for it again: here the stream sends it to the other replica); every issue gets
// exactly one bot comment, written once, with its labels and card; and each replica's /metrics
// agrees with its /status and with the deliveries it was sent. Three rounds in a row.
import { jest } from "@jest/globals";
import nock from "nock";
import { describeWithRedis, startRedis, type RedisServer } from "./helpers/redis.js";
import { startReplicas, type ReplicaSet } from "./helpers/replicas.js";
import { issuesPayload } from "./helpers/webhooks.js";
import { haveParser, parseOpenMetrics, valueOf } from "./helpers/openmetrics.js";

jest.setTimeout(300_000);

const REPO = "openfoodfoundation/ofn-install";
const ISSUES = 36;
/** GitHub's spacing of writes, divided by this so a round takes seconds. */
const SCALE = 40;

let redis: RedisServer;

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  if (describeWithRedis !== describe.skip) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  nock.activate();
});

const text = (n: number) =>
  n % 3
    ? { title: `French email errors ${n}`, body: "Emails from coopcircuits.fr bounce." }
    : { title: `UK is down ${n}`, body: "openfoodnetwork.org.uk is down since 9:00" };

interface Stream {
  /** HTTP statuses of the answers, and deliveries that found a replica's port closed. */
  answers: number[];
  refused: number;
  /** Deliveries each replica process answered, by replica and process generation. */
  sentTo: Map<string, number>;
  /** Work waiting or running in the shared queue when each replica got its SIGTERM. */
  waitingAtStop: number[];
}

async function queueOf(url: string): Promise<Record<"waiting" | "active", number>> {
  return (
    (await (await fetch(`${url}/status`)).json()) as { queue: Record<"waiting" | "active", number> }
  ).queue;
}

/** Deliver issue n to a replica in rotation; a closed port sends it to the other one. */
async function deliverOne(
  s: ReplicaSet,
  n: number,
  routable: () => number[],
  generation: number[],
  stream: Stream,
): Promise<void> {
  const payload = issuesPayload("opened", { number: n, ...text(n) });
  const order = routable();
  const first = order[n % order.length]!;
  for (const replica of [first, ...[0, 1].filter((r) => r !== first)]) {
    try {
      const status = await s.deliver(replica, "issues", payload, `rr-${n}`);
      stream.answers.push(status);
      const key = `${replica}.${generation[replica]}`;
      stream.sentTo.set(key, (stream.sentTo.get(key) ?? 0) + 1);
      return;
    } catch {
      stream.refused++; // the port closed under it: what GitHub would mark failed
    }
  }
  throw new Error(`no replica took issue ${n}`);
}

/** Both replicas restarted in turn, while the issues stream in (one every 40 ms). */
async function rollingRestart(s: ReplicaSet): Promise<Stream> {
  const stream: Stream = { answers: [], refused: 0, sentTo: new Map(), waitingAtStop: [] };
  const generation = [0, 0];
  let draining: number | undefined;
  const routable = () => [0, 1].filter((r) => r !== draining);
  const sending: Promise<void>[] = [];
  const send = (n: number) => {
    s.fake.addIssue(REPO, { number: n, ...text(n) });
    sending.push(deliverOne(s, n, routable, generation, stream));
  };
  const pause = () => new Promise((r) => setTimeout(r, 40));
  let n = 1;
  for (const replica of [0, 1]) {
    for (let i = 0; i < ISSUES / 3; i++, n++) {
      send(n);
      await pause();
    }
    // SIGTERM while work waits in the queue and deliveries still reach the replica; the
    // balancer takes it out a moment later.
    const queue = await queueOf(s.urls[replica]!);
    stream.waitingAtStop.push(queue.waiting + queue.active);
    const exited = s.terminate(replica);
    send(n++);
    send(n++);
    draining = replica;
    while (n <= ((replica + 1) * ISSUES) / 3 + ISSUES / 6) {
      send(n++);
      await pause();
    }
    expect(await exited).toBe(0);
    await s.restart(replica);
    generation[replica]!++;
    draining = undefined;
  }
  while (n <= ISSUES) {
    send(n++);
    await pause();
  }
  await Promise.all(sending);
  return stream;
}

async function scrape(url: string) {
  return parseOpenMetrics(await (await fetch(`${url}/metrics`)).text());
}

describeWithRedis("a rolling restart of two replicas on one Redis", () => {
  test.each([1, 2, 3])(
    "round %i: nothing lost, nothing written twice, metrics and status agree",
    async () => {
      await redis.client().flushall();
      const s = await startReplicas({ replicas: 2, redisUrl: redis.url, spacingScale: SCALE });
      try {
        const stream = await rollingRestart(s);
        if (stream.answers.some((a) => a !== 200))
          console.warn(
            s.logs.filter((l) => /"level":[56]0|rr-\d+.*(error|fail)/i.test(l)).slice(0, 20),
          );
        expect(new Set(stream.answers)).toEqual(new Set([200]));
        // Each stop came while there was work to hand over.
        expect(Math.min(...stream.waitingAtStop)).toBeGreaterThan(0);
        await s.settled();

        const numbers = Array.from({ length: ISSUES }, (_, i) => i + 1);
        // Comments created, by issue: one each, none repeated by a restart.
        const created = new Map<number, number>();
        for (const line of s.fake.log) {
          const issue = /^POST \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(line)?.[1];
          if (issue) created.set(Number(issue), (created.get(Number(issue)) ?? 0) + 1);
        }
        for (const n of numbers) {
          const bot = s.fake.botComments(REPO, n);
          const issue = s.fake.repo(REPO).issues.get(n)!;
          expect([n, bot.length, created.get(n), issue.labels.includes("sysadmin-pipe")]).toEqual([
            n,
            1,
            1,
            true,
          ]);
        }
        expect(s.fake.board.cards.length).toBe(ISSUES);
        expect(s.fake.problems).toEqual([]);

        if (haveParser) {
          for (const replica of [0, 1]) {
            const url = s.urls[replica]!;
            const metrics = await scrape(url);
            const status = (await (await fetch(`${url}/status`)).json()) as {
              queue: Record<string, number>;
            };
            for (const state of ["waiting", "active", "retrying", "failed"]) {
              const gauge = valueOf(metrics, "sysadmin_pipe_queue_items", { state });
              expect([state, gauge]).toEqual([state, status.queue[state]]);
            }
            const answered =
              valueOf(metrics, "sysadmin_pipe_deliveries_total", { result: "queued" }) +
              valueOf(metrics, "sysadmin_pipe_deliveries_total", { result: "duplicate" });
            expect(answered).toBe(stream.sentTo.get(`${replica}.1`) ?? 0);
          }
        }
        console.info(
          `rolling restart: ${stream.answers.length} deliveries answered 200, ${stream.refused} found a port closed and went to the other replica; work in the queue at each SIGTERM: ${stream.waitingAtStop.join(", ")}`,
        );
      } finally {
        await s.stop();
      }
    },
  );
});

// Several replicas, one truth: three app processes sharing a real Redis, one fake GitHub (every
// request checked against GitHub's descriptions), each issue's events raced across replicas —
// opened here while edited there, re-delivered with new ids, a maintainer's /severity S0 racing
// an edit, a command comment delivered twice. Afterwards every issue has one bot comment, at most
// one card and one S0 alert, and a recorded state that a fresh look agrees with. The same while
// the command-line sweep runs during a burst, and when a replica dies in the middle of one.
import { spawn } from "node:child_process";
import path from "node:path";
import { jest } from "@jest/globals";
import nock from "nock";
import { staleness } from "../src/features/sweep/sweep.js";
import { decide } from "../src/triage/decide.js";
import { decodeState } from "../src/triage/state.js";
import { toInput } from "../src/usecase/issue-job.js";
import { liveConfig } from "./helpers/app-on-loopback.js";
import { ROOT } from "./helpers/built.js";
import { describeWithRedis, startRedis, type RedisServer } from "./helpers/redis.js";
import { startReplicas, type ReplicaSet } from "./helpers/replicas.js";
import { commentPayload, issuesPayload } from "./helpers/webhooks.js";

jest.setTimeout(300_000);

const REPO = "openfoodfoundation/ofn-install";
const FR_EMAIL = { title: "French email errors", body: "Emails from coopcircuits.fr bounce." };
const UK_DOWN = { title: "UK IS ON FIRE", body: "openfoodnetwork.org.uk is down since 9:00" };
/** GitHub's spacing of writes, divided by this so a run takes seconds (same order, same races). */
const SCALE = 40;

let redis: RedisServer;
let set: ReplicaSet | undefined;
let nextComment = 70_000;

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  if (describeWithRedis !== describe.skip) redis = await startRedis();
});
afterEach(async () => {
  await set?.stop();
  set = undefined;
  expect(problems).toEqual([]);
});
afterAll(async () => {
  await redis?.stop();
  nock.activate();
});

let problems: string[] = [];
async function replicas(options: { latency?: [number, number] } = {}): Promise<ReplicaSet> {
  await redis.client().flushall();
  set = await startReplicas({ replicas: 3, redisUrl: redis.url, spacingScale: SCALE });
  set.fake.latencyMs = options.latency;
  set.fake.repo(REPO).permissions.set("maintainer", "write");
  problems = set.fake.problems;
  return set;
}

function fileIssue(s: ReplicaSet, n: number, text = FR_EMAIL) {
  const old = new Date(Date.now() - 60 * 60_000).toISOString();
  s.fake.addIssue(REPO, { number: n, ...text, created_at: old, updated_at: old });
  return issuesPayload("opened", { number: n, ...text });
}

function commandComment(s: ReplicaSet, n: number, body: string) {
  const id = nextComment++;
  const repo = s.fake.repo(REPO);
  repo.comments.push({ id, issue: n, body, user: "maintainer", type: "User", reactions: [] });
  const issue = repo.issues.get(n)!;
  return commentPayload(
    { number: n, title: issue.title, body: issue.body, labels: issue.labels },
    { id, body, login: "maintainer" },
  );
}

/** An issue's events, raced across the three replicas (which race depends on n). */
async function race(s: ReplicaSet, n: number): Promise<number[]> {
  const opened = fileIssue(s, n, n % 2 ? UK_DOWN : FR_EMAIL);
  const send = (r: number, event: string, payload: object, id: string) =>
    s.deliver(r, event, payload, id);
  if (n % 3 === 0) {
    // Opened here, edited there at the same moment (GitHub already has the edited text).
    const issue = s.fake.repo(REPO).issues.get(n)!;
    Object.assign(issue, n % 2 ? FR_EMAIL : UK_DOWN);
    const edited = issuesPayload("edited", { number: n, ...(n % 2 ? FR_EMAIL : UK_DOWN) });
    return Promise.all([send(0, "issues", opened, `o-${n}`), send(1, "issues", edited, `e-${n}`)]);
  }
  if (n % 3 === 1) {
    // The same event delivered three times: twice with new ids (GitHub's "redeliver").
    return Promise.all([
      send(0, "issues", opened, `o-${n}`),
      send(1, "issues", opened, `o-${n}-again`),
      send(2, "issues", opened, `o-${n}`),
    ]);
  }
  // Opened, then a maintainer's /severity S0 racing an edit, the command delivered twice.
  const first = await send(0, "issues", opened, `o-${n}`);
  const command = commandComment(s, n, "/severity S0");
  const edited = issuesPayload("edited", { number: n, ...FR_EMAIL, body: "Still bouncing." });
  s.fake.repo(REPO).issues.get(n)!.body = "Still bouncing.";
  const rest = await Promise.all([
    send(1, "issue_comment", command, `c-${n}`),
    send(2, "issues", edited, `e-${n}`),
    send(0, "issue_comment", command, `c-${n}-again`),
  ]);
  return [first, ...rest];
}

interface Audit {
  duplicateComments: number;
  duplicateCards: number;
  extraS0Alerts: number;
  inconsistent: string[];
}

/** What the issue looks like on GitHub now, checked against what a fresh look decides. */
function audit(s: ReplicaSet, numbers: number[]): Audit {
  const live = { config: liveConfig(), trusted: true };
  const result: Audit = {
    duplicateComments: 0,
    duplicateCards: 0,
    extraS0Alerts: 0,
    inconsistent: [],
  };
  const repo = s.fake.repo(REPO);
  for (const n of numbers) {
    const issue = repo.issues.get(n)!;
    const bot = s.fake.botComments(REPO, n);
    result.duplicateComments += Math.max(0, bot.length - 1);
    const cards = s.fake.board.cards.filter((c) => c.issue === n);
    result.duplicateCards += Math.max(0, cards.length - 1);
    const mentions = repo.comments.filter(
      (c) => c.issue === n && c.type === "Bot" && c.body.includes("accepted **S0 emergency**"),
    );
    // Every S0 alert posts to the chat; a mention comment is added when the bot comment
    // already existed (an edit notifies nobody).
    const chats = s.chat.filter((t) => t.includes("S0 emergency") && t.includes(`/issues/${n}|`));
    result.extraS0Alerts += Math.max(0, mentions.length - 1) + Math.max(0, chats.length - 1);
    const previous = bot[0] ? decodeState(bot[0].body) : undefined;
    const plan = decide(
      toInput(
        REPO,
        n,
        { ...issue, user: { login: issue.user } },
        { labels: issue.labels, previous },
      ),
      live.config.registry,
      live.config.policy,
    );
    const why =
      staleness(plan, issue.labels, bot[0], previous, live, "open") ??
      (plan.severity === "S0" && cards[0]?.values.Status !== "Emergency"
        ? `S0 card in ${cards[0]?.values.Status}`
        : undefined) ??
      (issue.labels.filter((l) => /^severity:/i.test(l)).length > 1 ? "two severities" : undefined);
    if (why) result.inconsistent.push(`#${n}: ${why}`);
  }
  return result;
}

const CLEAN: Audit = {
  duplicateComments: 0,
  duplicateCards: 0,
  extraS0Alerts: 0,
  inconsistent: [],
};
const numbers = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describeWithRedis("three replicas on one Redis", () => {
  test.each([
    ["GitHub answering at once", undefined],
    ["GitHub answering in 50-200 ms", [50, 200] as [number, number]],
  ])(
    "30 issues raced across replicas (%s): one comment, one card, one S0 alert, one truth each",
    async (_, latency) => {
      const s = await replicas({ latency });
      const issues = numbers(1, 30);
      const statuses = (await Promise.all(issues.map((n) => race(s, n)))).flat();
      expect(new Set(statuses)).toEqual(new Set([200]));
      await s.settled();
      expect(audit(s, issues)).toEqual(CLEAN);
      const dropped = s.logs.filter((l) => l.includes("dropped before any write")).length;
      console.info(`raced (${_}): ${statuses.length} deliveries, ${dropped} re-deliveries dropped`);
    },
  );

  test("the command-line sweep run during a burst of 50 writes nothing twice", async () => {
    const s = await replicas();
    const issues = numbers(101, 50);
    const payloads = issues.map((n) => fileIssue(s, n, n % 4 ? FR_EMAIL : UK_DOWN));
    const burst = Promise.all(payloads.map((p, i) => s.deliver(i % 3, "issues", p, `b-${i}`)));
    await new Promise((r) => setTimeout(r, 300));
    const cli = spawn(
      process.execPath,
      [path.join(ROOT, "dist/cli/main.js"), "reconcile", "--json"],
      {
        env: {
          PATH: process.env.PATH,
          GITHUB_TOKEN: "ghs_cli_token",
          APP_SLUG: "sysadmin-pipe",
          GITHUB_API_URL: `${s.githubUrl}/api/v3`,
          POLICY_FILE: s.policyFile,
          REDIS_URL: redis.url,
        },
      },
    );
    let out = "";
    cli.stdout.on("data", (c: Buffer) => (out += c.toString()));
    cli.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => cli.once("exit", r));
    expect(new Set(await burst)).toEqual(new Set([200]));
    await s.settled();
    expect({ code, out: code ? out : "" }).toEqual({ code: 0, out: "" });
    const report = JSON.parse(out) as { skippedQueued: number; repaired: number };
    console.info(
      `sweep during the burst: ${report.skippedQueued} left to the queue, ${report.repaired} repaired`,
    );
    expect(audit(s, issues)).toEqual(CLEAN);
  });

  test("a replica killed in the middle of a burst of 50: all 50 triaged once, within 3 minutes", async () => {
    const s = await replicas();
    const issues = numbers(201, 50);
    const payloads = issues.map((n) => fileIssue(s, n));
    s.fake.latencyMs = [30, 60]; // each triage takes a while: the kill lands inside one
    const burst = Promise.all(payloads.map((p, i) => s.deliver(i % 3, "issues", p, `k-${i}`)));
    const commented = () => issues.filter((n) => s.fake.botComments(REPO, n).length).length;
    while (commented() < 10) await new Promise((r) => setTimeout(r, 20));
    // The replica that started the latest work is the one running it now: kill that one.
    const started = s.logs.filter((l) => l.includes('"work started"'));
    const victim = Number(/^\[(\d)\]/.exec(started.at(-1)!)![1]);
    s.kill(victim);
    const atKill = commented();
    expect(atKill).toBeLessThan(40);
    await burst.catch(() => undefined); // deliveries to the dead replica may fail: GitHub retries
    const killedAt = Date.now();
    await s.settled(180_000);
    const seconds = (Date.now() - killedAt) / 1000;
    console.info(
      `replica killed after ${atKill} comments; the rest done ${seconds.toFixed(1)} s later`,
    );
    expect(seconds).toBeLessThan(180);
    // The work the dead replica was running was found stalled and run again by another.
    expect(s.logs.some((l) => l.includes("work found stalled"))).toBe(true);
    expect(issues.filter((n) => s.fake.botComments(REPO, n).length !== 1)).toEqual([]);
    expect(audit(s, issues)).toEqual(CLEAN);
  });
});

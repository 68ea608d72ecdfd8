// End to end, the way GitHub drives the app: the real Probot server (the entry point `npm start`
// runs) on loopback, signed webhook deliveries over HTTP, and a fake GitHub on loopback that
// refuses anything the real one would refuse and injects faults.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jest } from "@jest/globals";
import nock from "nock";
import { pino } from "pino";
import Bottleneck from "bottleneck";
import { Probot, ProbotOctokit, run } from "probot";
import { ConfigStore } from "../src/github/live-config.js";
import { scheduleReconcile } from "../src/reconcile/schedule.js";
import { pendingIssueLocks } from "../src/github/issue-lock.js";
import { forgetBoards } from "../src/github/board.js";
import { forgetKnownLabels } from "../src/github/labels.js";
import { buildApp } from "../src/index.js";
import { reconcile } from "../src/reconcile/sweep.js";
import { decodeState } from "../src/triage/state.js";
import { POLICY_TEXT, shippedConfig } from "./helpers/config.js";
import { freePort, loopbackAppEnv, signature, testAppKey } from "./helpers/loopback.js";
import { FakeGitHub } from "./helpers/fake-github.js";
import { issuesPayload } from "./helpers/webhooks.js";

jest.setTimeout(60_000);

const REPO = "openfoodfoundation/ofn-install";
const SECRET = "e2e-webhook-secret-d41d8cd9";
const privateKey = testAppKey();

const fake = new FakeGitHub();
const logLines: string[] = [];
let appUrl = "";
let server: Awaited<ReturnType<typeof run>>;
/** Figures for the closing note: what the tests sent and saw. */
const figures = { deliveries: 0, refused: 0 };

/**
 * Probot's Octokit, retries and throttling included; only GitHub's recommended spacing of
 * content-creating requests (one a second, comments three seconds apart, process-wide) is
 * shortened so a burst of 200 issues runs in seconds here. In production that burst takes
 * minutes, as GitHub asks.
 */
const QuickWrites = ProbotOctokit.defaults((options: { throttle?: object }) => ({
  ...options,
  throttle: {
    ...options.throttle,
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 5 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 5 }),
  },
}));

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only; nothing here may leave the machine
  const githubUrl = await fake.start();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-e2e-"));
  const policyFile = path.join(dir, "policy.yml");
  writeFileSync(policyFile, POLICY_TEXT.replace(/^( {2}number:) null/m, "$1 5"));
  process.env.POLICY_FILE = policyFile;
  const log = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  server = await run(buildApp(), {
    env: {
      ...loopbackAppEnv({ port, secret: SECRET, privateKey, githubUrl }),
      LOG_LEVEL: "info",
    },
    log,
    Octokit: QuickWrites,
  });
  appUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.stop();
  await fake.stop();
  delete process.env.POLICY_FILE;
  nock.activate();
  // The figures this suite saw, for people (and the closing note).
  console.info(
    `e2e figures: ${figures.deliveries} deliveries sent (${figures.refused} refused for bad signatures), ` +
      `${fake.stats.requests} GitHub requests, ${fake.stats.faults} faults injected, ` +
      `${fake.problems.length} invalid requests`,
  );
});

beforeEach(() => {
  fake.clearFaults();
  forgetBoards();
  forgetKnownLabels();
});

afterEach(() => expect(fake.problems).toEqual([]));

function sign(body: string, secret = SECRET): string {
  return signature(body, secret);
}

async function deliver(
  event: string,
  payload: object,
  id: string,
  signature?: string | null,
): Promise<number> {
  figures.deliveries++;
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": id,
  };
  if (signature !== null) headers["x-hub-signature-256"] = signature ?? sign(body);
  const response = await fetch(`${appUrl}/api/github/webhooks`, { method: "POST", headers, body });
  await response.text();
  return response.status;
}

function open(
  number: number,
  title = "French email errors",
  body = "Order confirmations from coopcircuits.fr are not sent.",
) {
  fake.addIssue(REPO, { number, title, body });
  return issuesPayload("opened", { number, title, body });
}

const botComments = (n: number) => fake.botComments(REPO, n);

describe("deliveries over HTTP, signed as GitHub signs them", () => {
  test("the health endpoint answers for the container platform", async () => {
    const response = await fetch(`${appUrl}/ping`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("PONG");
  });

  test("a bad or missing signature is refused and nothing is written", async () => {
    const payload = open(1);
    const before = fake.stats.requests;
    const bad = await deliver(
      "issues",
      payload,
      "sig-bad",
      sign(JSON.stringify(payload), "wrong-secret"),
    );
    const missing = await deliver("issues", payload, "sig-missing", null);
    figures.refused += 2;
    expect(bad).toBeGreaterThanOrEqual(400);
    expect(missing).toBeGreaterThanOrEqual(400);
    expect(fake.stats.requests).toBe(before);
    expect(botComments(1)).toEqual([]);
  });

  test("the same delivery twice, and two events for one issue at once, end in one comment and one card", async () => {
    const payload = open(2);
    const edited = issuesPayload("edited", {
      number: 2,
      title: "French email errors",
      body: "Order confirmations from coopcircuits.fr are not sent.",
    });
    const statuses = await Promise.all([
      deliver("issues", payload, "dup-1"),
      deliver("issues", payload, "dup-1"),
      deliver("issues", edited, "dup-2"),
    ]);
    expect(statuses).toEqual([200, 200, 200]);
    await deliver("issues", payload, "dup-1"); // and once more, later
    expect(botComments(2)).toHaveLength(1);
    expect(fake.board.cards.filter((c) => c.issue === 2)).toHaveLength(1);
    expect(fake.board.card(2)?.values.Status).toBe("Ready");
    // "dup-2" changed nothing, so it cost reads only: no write just to record its id.
    expect(decodeState(botComments(2)[0]!.body)?.deliveries).toEqual(["dup-1"]);
  });

  test("transient GitHub errors are retried with back-off and the triage completes", async () => {
    const payload = open(3);
    fake.inject({ kind: "502", match: /^POST \/repos\/.+\/issues\/3\/comments$/, times: 1 });
    fake.inject({
      kind: "secondary-rate-limit",
      match: /^POST \/repos\/.+\/issues\/3\/labels$/,
      times: 1,
    });
    fake.inject({
      kind: "slow",
      match: /^GET \/repos\/.+\/issues\/3\/comments/,
      times: 1,
      delayMs: 300,
    });
    const faultsBefore = fake.stats.faults;

    expect(await deliver("issues", payload, "transient-1")).toBe(200);

    expect(fake.stats.faults - faultsBefore).toBe(3);
    expect(botComments(3)).toHaveLength(1);
    expect(fake.repo(REPO).issues.get(3)?.labels).toContain("instance:fr");
    expect(logLines.some((l) => /secondary/i.test(l))).toBe(true);
  });

  test("a dropped connection and an exhausted rate limit are waited out too", async () => {
    const payload = open(6);
    fake.inject({ kind: "drop", match: /^GET \/repos\/.+\/labels$/, times: 1 });
    fake.inject({ kind: "primary-rate-limit", match: /^POST \/graphql$/, times: 1 });
    const faultsBefore = fake.stats.faults;

    expect(await deliver("issues", payload, "transient-2")).toBe(200);

    expect(fake.stats.faults - faultsBefore).toBe(2);
    expect(botComments(6)).toHaveLength(1);
    expect(fake.board.card(6)?.values.Status).toBe("Ready");
  });

  test("a persistent error fails the delivery visibly, and the reconcile sweep repairs it", async () => {
    const payload = open(4);
    // Say the app lost its issues permission: GitHub answers 403 to every comment, for good.
    fake.inject({
      kind: "forbidden",
      match: /^POST \/repos\/.+\/issues\/4\/comments$/,
      times: Infinity,
    });

    const status = await deliver("issues", payload, "persistent-1");
    console.log([...fake.stats.byRoute].filter(([r]) => r.includes("/4/")));
    expect(status).toBeGreaterThanOrEqual(400); // GitHub shows the delivery as failed
    expect(logLines.some((l) => l.includes("persistent-1") && /"level":50/.test(l))).toBe(true);
    expect(botComments(4)).toEqual([]);

    fake.clearFaults();
    const { Octokit } = await import("@octokit/rest");
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` });
    const report = await reconcile(
      github as never,
      { config: liveConfig(), trusted: true },
      {
        dryRun: false,
        quietMs: 0,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    expect(report.failed).toEqual([]);
    expect(report.stale).toContainEqual({ issue: `${REPO}#4`, why: "no bot comment" });
    expect(botComments(4)).toHaveLength(1);
    expect(fake.board.card(4)?.values.Status).toBe("Ready");

    const again = await reconcile(
      github as never,
      { config: liveConfig(), trusted: true },
      {
        dryRun: false,
        quietMs: 0,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    expect(again.stale).toEqual([]); // a second sweep finds nothing left to do
  });

  test("the scheduled sweep finds an issue whose delivery never arrived, with installation tokens", async () => {
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    fake.addIssue(REPO, {
      number: 5,
      title: "UK IS ON FIRE",
      body: "openfoodnetwork.org.uk returns 502",
      created_at: old,
      updated_at: old,
    });
    const probot = new Probot({
      appId: 123,
      privateKey,
      baseUrl: `${fake.url}/api/v3`,
      log: pino({ level: "silent" }),
      Octokit: QuickWrites,
    });
    const store = new ConfigStore(liveConfig(), probot.log);
    const reports = await scheduleReconcile(probot, store, { dryRun: false }).run();

    expect(reports).toHaveLength(1);
    expect(reports[0]!.stale).toContainEqual({ issue: `${REPO}#5`, why: "no bot comment" });
    expect(botComments(5)).toHaveLength(1);
    expect(fake.board.card(5)?.values.Status).toBe("Emergency");
  });

  test("200 issues opened in a burst are all triaged once, and nothing is left queued", async () => {
    const first = 1000;
    const numbers = Array.from({ length: 200 }, (_, i) => first + i);
    const payloads = numbers.map((n) =>
      open(
        n,
        n % 2 ? "UK IS ON FIRE" : "Belgian DNS records",
        n % 2 ? "openfoodnetwork.org.uk is down" : "Please update DNS for openfoodnetwork.be",
      ),
    );
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < payloads.length; i += 25) {
      const batch = payloads.slice(i, i + 25).map((p, j) => deliver("issues", p, `burst-${i + j}`));
      expect(new Set(await Promise.all(batch))).toEqual(new Set([200]));
    }
    const heapAfter = process.memoryUsage().heapUsed;
    for (const n of numbers) expect(botComments(n)).toHaveLength(1);
    expect(pendingIssueLocks()).toBe(0);
    console.info(
      `burst of 200: heap ${(heapBefore / 1e6).toFixed(1)} MB -> ${(heapAfter / 1e6).toFixed(1)} MB`,
    );
  });

  test("no secret reaches the logs", () => {
    const all = logLines.join("\n");
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain("BEGIN RSA PRIVATE KEY");
    expect(all).not.toContain(privateKey.split("\n")[1]!);
    expect(all).not.toContain("ghs_fake_installation_token");
  });
});

function liveConfig() {
  const shipped = shippedConfig();
  return {
    ...shipped,
    policy: { ...shipped.policy, board: { ...shipped.policy.board!, number: 5 } },
  };
}

// End to end, the way GitHub drives the app: the real Probot server (the entry point `npm start`
// runs) on loopback, signed webhook deliveries over HTTP, and a fake GitHub on loopback that
// refuses anything the real one would refuse and injects faults.
import { systemClock } from "../src/clock.js";
import { jest } from "@jest/globals";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { pino } from "pino";
import { Probot } from "probot";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { ConfigStore } from "../src/github/live-config.js";
import { inProcessCoordinator } from "../src/coordination/in-process.js";
import { scheduleReconcile } from "../src/features/sweep/schedule.js";
import { decodeState } from "../src/triage/state.js";
import {
  liveConfig,
  QuickWrites,
  SECRET,
  startLoopbackApp,
  type LoopbackApp,
} from "./helpers/app-on-loopback.js";
import { APP_LOGIN, type FakeGitHub } from "./helpers/fake-github.js";
import { withTiers } from "./helpers/config.js";
import { signature } from "./helpers/loopback.js";
import { issuesPayload } from "./helpers/webhooks.js";
import { sweepHere, WRITES } from "./helpers/executor.js";
import { submit, workRunner, type WorkDeps } from "../src/handlers/work-queue.js";
import { memoryQueue } from "../src/coordination/memory-queue.js";
import type { Task } from "../src/features/tasks.js";

jest.setTimeout(60_000);

const REPO = "openfoodfoundation/ofn-install";

let app: LoopbackApp;
let fake: FakeGitHub;
let appUrl = "";
let logLines: string[] = [];
let privateKey = "";
/** Figures for the closing note: what the tests sent and saw. */
const figures = { refused: 0 };

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only; nothing here may leave the machine
  app = await startLoopbackApp();
  ({ fake, url: appUrl, logLines, privateKey } = app);
});

afterAll(async () => {
  await app.stop();
  nock.activate();
  // The figures this suite saw, for people (and the closing note).
  console.info(
    `e2e figures: ${app.deliveries} deliveries sent (${figures.refused} refused for bad signatures), ` +
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

/** Deliver; returns once the app's queue has done the work. */
const deliver = (event: string, payload: object, id: string, signature?: string | null) =>
  app.deliver(event, payload, id, signature);

function open(
  number: number,
  title = "French email errors",
  body = "Order confirmations from coopcircuits.fr are not sent.",
) {
  fake.addIssue(REPO, { number, title, body });
  return issuesPayload("opened", { number, title, body });
}

const botComments = (n: number) => fake.botComments(REPO, n);
const issueLabels = (n: number) => fake.repo(REPO).issues.get(n)?.labels ?? [];
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const github = () => new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` }) as never;

describe("deliveries over HTTP, signed as GitHub signs them", () => {
  test("the health endpoint answers for the container platform", async () => {
    const response = await fetch(`${appUrl}/ping`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("PONG");
  });

  test("an issue naming no instance that reports emails bouncing asks which instance, and waits in Inbox", async () => {
    const title = "Emails are bouncing";
    const body = "Since this morning all order confirmation emails bounce.";
    fake.addIssue(REPO, { number: 30, title, body });
    await deliver("issues", issuesPayload("opened", { number: 30, title, body }), "bounce-1");
    expect(issueLabels(30)).toEqual(expect.arrayContaining(["sysadmin-pipe", "needs-triage"]));
    expect(issueLabels(30)).not.toContain("ofn-install");
    expect(botComments(30)).toHaveLength(1);
    expect(botComments(30)[0]!.body).toContain("**Which instance is this about?**");
    expect(fake.board.card(30)?.values.Status).toBe("Inbox");
  });

  test("a bad or missing signature is refused and nothing is written", async () => {
    const payload = open(1);
    const before = fake.stats.requests;
    const bad = await deliver(
      "issues",
      payload,
      "sig-bad",
      signature(JSON.stringify(payload), "wrong-secret"),
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
    // The labels ride in the add-card mutation (their ids are known from earlier issues).
    fake.inject({
      kind: "secondary-rate-limit",
      match: /^POST \/graphql$/,
      operation: /^SysadminPipeAddAndRead$/,
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

  test("a delivery that fails once is retried by the app itself, not left to the sweep", async () => {
    const payload = open(7);
    // A 403 is not retried by the client: the queued work fails, and the queue tries it again.
    fake.inject({ kind: "forbidden", match: /^POST \/repos\/.+\/issues\/7\/comments$/, times: 1 });

    expect(await deliver("issues", payload, "fails-once-1")).toBe(200);

    expect(logLines.some((l) => /queued work failed, will be retried/.test(l))).toBe(true);
    expect(botComments(7)).toHaveLength(1);
    expect((await app.status()).failuresWaiting).toBe(0);
  });

  test("a persistent error shows in /status after the app's retries, and the reconcile sweep repairs it", async () => {
    const payload = open(4);
    // Say the app lost its issues permission: GitHub answers 403 to every comment, for good.
    fake.inject({
      kind: "forbidden",
      match: /^POST \/repos\/.+\/issues\/4\/comments$/,
      times: Infinity,
    });

    expect(await deliver("issues", payload, "persistent-1")).toBe(200); // queued, then failed
    const status = await app.status();
    expect(status.queue.failed).toBe(1);
    expect(status.failuresWaiting).toBe(1);
    expect(
      logLines.some((l) => /queued work failed for good/.test(l) && /"level":50/.test(l)),
    ).toBe(true);
    expect(botComments(4)).toEqual([]);

    fake.clearFaults();
    const { Octokit } = await import("@octokit/rest");
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` });
    const report = await sweepHere(
      github as never,
      { config: liveConfig(), trusted: true },
      {
        quietMs: 0,
        appLogin: APP_LOGIN,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    expect(report.failed).toEqual([]);
    expect(report.stale).toContainEqual({ issue: `${REPO}#4`, why: "no bot comment" });
    expect(botComments(4)).toHaveLength(1);
    expect(fake.board.card(4)?.values.Status).toBe("Ready");

    const again = await sweepHere(
      github as never,
      { config: liveConfig(), trusted: true },
      {
        quietMs: 0,
        appLogin: APP_LOGIN,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    expect(again.stale).toEqual([]); // a second sweep finds nothing left to do
  });

  test("command comments whose delivery was lost are answered by the sweep, once each; history before the bot's comment is not replayed", async () => {
    await deliver("issues", open(9), "lost-command-1");
    const [bot] = botComments(9);
    expect(issueLabels(9)).toContain("S1");
    fake.repo(REPO).permissions.set("sysadmin", "write");
    const comments = fake.repo(REPO).comments;
    const person = (id: number, body: string, created_at = new Date().toISOString()) =>
      comments.push({
        id,
        issue: 9,
        body,
        user: "sysadmin",
        type: "User",
        reactions: [],
        created_at,
      });
    person(bot!.id - 1, "/severity S2"); // older than the bot's comment: history, not replayed
    // Their deliveries never came (a stop without Redis).
    person(bot!.id + 200_000, "/severity S3");
    person(bot!.id + 200_001, "Thanks, looking into it."); // no command
    const spentAt = new Date(Date.now() - 3_600_000).toISOString(); // written an hour ago
    person(bot!.id + 200_002, "/spent 1h", spentAt);
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` });
    const sweep = () =>
      sweepHere(
        github as never,
        { config: liveConfig(), trusted: true },
        { quietMs: 0, log: quietLog, appLogin: APP_LOGIN },
      );

    const report = await sweep();
    expect(report.failed).toEqual([]);
    expect(report.stale).toContainEqual({
      issue: `${REPO}#9`,
      why: `command comment never answered: ${bot!.id + 200_000} by @sysadmin, ${bot!.id + 200_002} by @sysadmin`,
    });
    const reactionsOn = (id: number) => comments.find((c) => c.id === id)?.reactions;
    expect(reactionsOn(bot!.id + 200_000)).toEqual(["+1"]);
    expect(reactionsOn(bot!.id + 200_002)).toEqual(["+1"]);
    expect(reactionsOn(bot!.id - 1)).toEqual([]);
    expect(issueLabels(9)).toContain("S3");
    expect(issueLabels(9)).not.toContain("S1");
    const state = decodeState(botComments(9)[0]!.body);
    expect(state?.seen).toEqual(expect.arrayContaining([bot!.id + 200_000, bot!.id + 200_002]));
    // Answered late, the time entry keeps the day and hour its comment was written.
    expect(state?.entries).toEqual([
      { by: "sysadmin", at: spentAt, minutes: 60, bucket: "pipe", comment: bot!.id + 200_002 },
    ]);

    const again = await sweep();
    expect(again.stale).toEqual([]);
    expect(reactionsOn(bot!.id + 200_000)).toEqual(["+1"]);
    expect(botComments(9)).toHaveLength(1);
  });

  test("the sweep heals an issue left with two bot comments (a lapsed lock): one stays, states merged", async () => {
    await deliver("issues", open(8), "heal-1");
    const [kept] = botComments(8);
    // A second replica's comment, written while the first one's lock had lapsed.
    fake.repo(REPO).comments.push({ ...kept!, id: kept!.id + 100_000, reactions: [] });
    expect(botComments(8)).toHaveLength(2);
    const { Octokit } = await import("@octokit/rest");
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const report = await sweepHere(
      github as never,
      { config: liveConfig(), trusted: true },
      { quietMs: 0, log: quiet, repos: [REPO], appLogin: APP_LOGIN },
    );
    expect(report.stale).toContainEqual({
      issue: `${REPO}#8`,
      why: "more than one bot comment: healed",
    });
    expect(botComments(8).map((c) => c.id)).toEqual([kept!.id]);
  });

  test("after a tier change the sweep re-decides no unchanged request, and still repairs one edited since", async () => {
    await deliver("issues", open(31), "tier-change-1");
    expect(issueLabels(31)).not.toContain("not-covered"); // France: full, email covered
    // The circle moves France to basic (which does not cover email); the live registry follows.
    const basic = {
      ...liveConfig(),
      registry: withTiers(liveConfig().registry, { fr: { tier: "basic" } }),
    };
    const sweep = () =>
      sweepHere(
        github(),
        { config: basic, trusted: true },
        { quietMs: 0, log: quietLog, repos: [REPO], appLogin: APP_LOGIN },
      );
    const report = await sweep();
    expect(report.stale.filter((s) => s.issue === `${REPO}#31`)).toEqual([]);
    expect(issueLabels(31)).not.toContain("not-covered");
    expect(decodeState(botComments(31)[0]!.body)?.outcome).toBe("accepted");
    // A lost edit is still repaired, under the registry in force.
    const issue = fake.repo(REPO).issues.get(31)!;
    issue.body = `${issue.body} Since yesterday.`;
    const after = await sweep();
    expect(after.stale).toContainEqual({ issue: `${REPO}#31`, why: "outcome accepted → rejected" });
    expect(issueLabels(31)).toContain("not-covered");
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
    // The app's own way: what the sweep finds goes to its queue (here run at once, inline), and
    // runs with the installation's token.
    const coordinator = inProcessCoordinator();
    const deps: WorkDeps = {
      config: (github, installation) => store.get(github, installation),
      executor: WRITES,
      coordinator,
      queue: memoryQueue<Task>(coordinator, { log: probot.log }),
      inline: true,
      auth: (installation) => probot.auth(Number(installation)),
      appLogin: async () => APP_LOGIN,
      clock: systemClock,
      store,
      log: probot.log,
    };
    const run = workRunner(deps);
    const reports = await scheduleReconcile(probot, store, {
      coordinator,
      queue: { queuedIssues: async () => new Set<string>() },
      appLogin: async () => APP_LOGIN,
      submit: (task) => submit({ task, urgent: false }, deps, run),
    }).run();

    expect(reports).toHaveLength(1);
    expect(reports![0]!.stale).toContainEqual({ issue: `${REPO}#5`, why: "no bot comment" });
    expect(botComments(5)).toHaveLength(1);
    expect(fake.board.card(5)?.values.Status).toBe("Emergency");
  });

  // Sent as GitHub sends a burst (answers first, work after), then waited for once: the
  // timeout is generous because a loaded CI machine shares its two cores with other suites.
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
    const failedBefore = (await app.status()).queue.failed; // an earlier test leaves one on purpose
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < payloads.length; i += 25) {
      const batch = payloads
        .slice(i, i + 25)
        .map((p, j) => app.send("issues", p, `burst-${i + j}`));
      expect(new Set(await Promise.all(batch))).toEqual(new Set([200]));
    }
    const settled = await app.settled(240_000);
    const heapAfter = process.memoryUsage().heapUsed;
    for (const n of numbers) expect(botComments(n)).toHaveLength(1);
    expect(settled.queue).toMatchObject({
      waiting: 0,
      active: 0,
      retrying: 0,
      failed: failedBefore,
    });
    console.info(
      `burst of 200: heap ${(heapBefore / 1e6).toFixed(1)} MB -> ${(heapAfter / 1e6).toFixed(1)} MB`,
    );
  }, 300_000);

  test("no secret reaches the logs", () => {
    const all = logLines.join("\n");
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain("BEGIN RSA PRIVATE KEY");
    expect(all).not.toContain(privateKey.split("\n")[1]!);
    expect(all).not.toContain("ghs_fake_installation_token");
  });
});

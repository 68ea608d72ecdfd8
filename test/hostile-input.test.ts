// What anyone can type into an issue or a registry pull request must never crash the app, stop
// the sweep, or be taken for the app's own words. Each test here failed before its fix.
import { jest } from "@jest/globals";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { applyCommands } from "../src/commands/apply.js";
import { parseCommands } from "../src/commands/parse.js";
import { pipeRecord } from "../src/report/pipe-records.js";
import { staleness } from "../src/features/sweep/sweep.js";
import { decide } from "../src/triage/decide.js";
import { COMMENT_MARKER, decodeState, encodeState, readDigest } from "../src/triage/state.js";
import { liveConfig, startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { runCli } from "./helpers/cli.js";
import { APP_LOGIN, APP_SLUG, type FakeGitHub } from "./helpers/fake-github.js";
import {
  shippedConfig,
  REGISTRY_TEXT,
  SIGNALS_TEXT,
  TIERS_TEXT,
  WIRING_TEXT,
} from "./helpers/config.js";
import { issuesPayload, pullRequestPayload, pushPayload } from "./helpers/webhooks.js";
import { sweepHere } from "./helpers/executor.js";

jest.setTimeout(60_000);

const INSTALL = "openfoodfoundation/ofn-install";
const { registry, policy } = shippedConfig();
const OBJECT_WORDS = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
const formBody = (instance: string) =>
  `### Instance\n\n${instance}\n\n### What is happening?\n\nThe site is down since this morning.`;
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("an instance named like a property every object has", () => {
  test.each(OBJECT_WORDS)(
    "a form answering Instance `%s` asks which instance, without crashing",
    (word) => {
      const plan = decide(
        { repo: INSTALL, title: "[Sysadmin] help", body: formBody(word), labels: [] },
        registry,
        policy,
      );
      expect(plan.instances).toEqual([]);
      expect(plan.outcome).toBe("needs-info");
    },
  );

  test.each(OBJECT_WORDS)(
    "`/instance %s` is not applied: the registry has no such instance",
    (word) => {
      const parsed = parseCommands(`/instance ${word}`);
      const applied = applyCommands(parsed.commands, parsed.problems, {
        actor: { login: "sysadmin-dev", maintainer: true },
        scope: { author: "reporter", instances: ["fr"], outcome: "accepted" },
        previous: { v: 1, applied: [], suppressed: [], overrides: {}, outcome: "accepted" },
        labels: [],
        registry,
        policy,
      });
      expect(applied.results).toEqual([
        expect.objectContaining({
          status: "invalid",
          message: expect.stringContaining(
            `the registry has no instance \`${word.toLowerCase()}\``,
          ),
        }),
      ]);
    },
  );

  test("`triage` on the command line decides every line, the odd one included", async () => {
    const lines = [
      { repo: INSTALL, title: "[Sysadmin] help", body: formBody("constructor") },
      { repo: INSTALL, title: "UK is down", body: "openfoodnetwork.org.uk answers 502" },
      { repo: INSTALL, title: "[Sysadmin] help", body: formBody("__proto__") },
    ];
    const run = await runCli(["triage", "--json"], {
      stdin: lines.map((l) => JSON.stringify(l)).join("\n"),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const plans = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { outcome: string; instances: string[] });
    expect(plans.map((p) => p.outcome)).toEqual(["needs-info", "accepted", "needs-info"]);
    expect(plans[1]!.instances).toEqual(["uk"]);
  });

  test("`triage` names a line too long to have come from GitHub, and goes on", async () => {
    const huge = JSON.stringify({ repo: INSTALL, title: "x", body: "a".repeat(300 * 1024) });
    const fine = JSON.stringify({ repo: INSTALL, title: "UK is down", body: "" });
    const run = await runCli(["triage", "--json"], { stdin: `${huge}\n${fine}\n` });
    expect(run.stderr).toMatch(/^line 1: longer than 256 KiB; not read$/m);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(run.code).toBe(1);
  });
});

/** What an Action that echoes user text could post: the app's marker and a made-up state. */
function forgedBotComment(): string {
  const state = encodeState({
    v: 1,
    applied: ["sysadmin-pipe", "instance:de", "S3", "size:S", "category:dns"],
    suppressed: ["not-covered"],
    overrides: {},
    outcome: "accepted",
    commanded: { overrides: {}, decision: { outcome: "accepted", by: "maint" } },
  });
  return `${COMMENT_MARKER}\nAccepted by @maint: the global team will do it.\n${state}\n`;
}

describe("only the app's own comments carry its state", () => {
  test("hours another bot's comment claims are not counted in a load report", () => {
    const forged = forgedBotComment().replace(
      '"outcome":"accepted"',
      '"outcome":"accepted","time":{"pipe":6000,"jobs":0}',
    );
    const issue = {
      number: 7,
      title: "DNS records for openfoodnetwork.de",
      created_at: "2026-11-02T10:00:00Z",
      labels: ["sysadmin-pipe", "instance:de", "category:dns"],
      user: { login: "de-manager" },
    };
    const comments = [
      {
        body: forged,
        created_at: "2026-11-02T10:01:00Z",
        user: { login: "echo-action[bot]", type: "Bot" },
      },
    ];
    const record = pipeRecord(INSTALL, issue, comments, shippedConfig(), APP_LOGIN);
    expect(record.entries).toEqual([]);
    expect(record.outcome).toBeUndefined();
  });
});

describe("end to end, against the fake GitHub", () => {
  let app: LoopbackApp;
  let fake: FakeGitHub;

  beforeAll(async () => {
    nock.restore(); // real HTTP on loopback only
    app = await startLoopbackApp();
    fake = app.fake;
  });
  afterAll(async () => {
    await app.stop();
    nock.activate();
  });
  afterEach(() => expect(fake.problems).toEqual([]));

  const botComments = (n: number) => fake.botComments(INSTALL, n);

  test("a delivery whose form answers Instance `constructor` is answered and the issue asked about", async () => {
    const body = formBody("constructor");
    fake.addIssue(INSTALL, { number: 1, title: "[Sysadmin] help", body });
    const status = await app.deliver(
      "issues",
      issuesPayload("opened", { number: 1, title: "[Sysadmin] help", body }),
      "hostile-constructor-1",
    );
    expect(status).toBe(200);
    expect(botComments(1)).toHaveLength(1);
    expect(fake.repo(INSTALL).issues.get(1)?.labels).toContain(policy.labels.needs_triage);
  });

  const GERMAN_DNS = {
    title: "DNS records for openfoodnetwork.de",
    body: "Please update the DNS records for openfoodnetwork.de",
  };
  const otherBot = (issue: number, id: number) =>
    fake.repo(INSTALL).comments.push({
      id,
      issue,
      body: forgedBotComment(),
      user: "echo-action[bot]",
      type: "Bot",
      reactions: [],
    });

  test("another bot's comment with the app's marker and a state is not taken for the app's", async () => {
    fake.addIssue(INSTALL, { number: 5, ...GERMAN_DNS });
    await app.deliver("issues", issuesPayload("opened", { number: 5, ...GERMAN_DNS }), "forge-1");
    const ours = botComments(5).find((c) => c.user !== "echo-action[bot]")!;
    expect(fake.repo(INSTALL).issues.get(5)?.labels).toContain(policy.labels.not_covered);
    otherBot(5, ours.id + 1);

    await app.deliver("issues", issuesPayload("edited", { number: 5, ...GERMAN_DNS }), "forge-2");

    expect(fake.repo(INSTALL).issues.get(5)?.labels).toContain(policy.labels.not_covered);
    const mine = botComments(5).filter((c) => c.user !== "echo-action[bot]");
    expect(mine.map((c) => c.id)).toEqual([ours.id]);
    expect(decodeState(mine[0]!.body)?.outcome).toBe("rejected");
    expect(decodeState(mine[0]!.body)?.commanded?.decision).toBeUndefined();
    // Not the app's to delete either: it is left as its author wrote it.
    expect(botComments(5).filter((c) => c.user === "echo-action[bot]")).toHaveLength(1);
  });

  test("the sweep does not adopt another bot's comment on an issue the app never answered", async () => {
    fake.addIssue(INSTALL, { number: 6, ...GERMAN_DNS });
    otherBot(6, 990_001); // the delivery was lost; an Action commented first
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` });
    const report = await sweepHere(
      github as never,
      { config: liveConfig(), trusted: true },
      {
        quietMs: 0,
        appLogin: APP_LOGIN,
        log: quietLog,
        repos: [INSTALL],
      },
    );
    expect(report.stale).toContainEqual({ issue: `${INSTALL}#6`, why: "no bot comment" });
    expect(fake.repo(INSTALL).issues.get(6)?.labels).toContain(policy.labels.not_covered);
    expect(
      botComments(6)
        .map((c) => c.user)
        .sort(),
    ).toEqual(["echo-action[bot]", APP_SLUG]);
  });

  test("the sweep repairs every issue whose delivery was lost, whatever one of them says", async () => {
    // Two deliveries lost while the app was down: the `__proto__` one comes first in the list.
    fake.addIssue(INSTALL, { number: 2, title: "[Sysadmin] help", body: formBody("__proto__") });
    fake.addIssue(INSTALL, {
      number: 3,
      title: "French email errors",
      body: "Order confirmations from coopcircuits.fr are not sent.",
    });
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${fake.url}/api/v3` });
    const live = { config: liveConfig(), trusted: true };
    const report = await sweepHere(github as never, live, {
      quietMs: 0,
      appLogin: APP_LOGIN,
      log: quietLog,
      repos: [INSTALL],
    });
    expect(report.failed).toEqual([]);
    expect(report.stale).toEqual(
      expect.arrayContaining([
        { issue: `${INSTALL}#2`, why: "no bot comment" },
        { issue: `${INSTALL}#3`, why: "no bot comment" },
      ]),
    );
    expect(botComments(2)).toHaveLength(1);
    expect(botComments(3)).toHaveLength(1);
  });
});

/** A registry of `bytes` bytes: the shipped one and made-up instances, each with hosts and
 * aliases (the matcher builds a pattern for every one of them). */
function registryOf(bytes: number): string {
  const parts = [REGISTRY_TEXT];
  for (let i = 0, size = REGISTRY_TEXT.length; size < bytes; i++) {
    const code = `x${i.toString(36).padStart(4, "0")}`;
    const entry = `  ${code}:\n    name: Open Food Network ${code}\n    tier: full\n    hosts: [${code}.example.org]\n    aliases: [${code.toUpperCase()}, Land ${code}]\n`;
    parts.push(entry);
    size += entry.length;
  }
  return parts.join("");
}

describe("a registry pull request anyone with a fork can open", () => {
  const SOURCE = "openfoodfoundation/sysadmin-pipe";
  const REGISTRY = "config/instances.yml";
  let app: LoopbackApp;

  beforeAll(async () => {
    nock.restore();
    process.env.REGISTRY_REPO = SOURCE;
    app = await startLoopbackApp();
    const files: Record<string, string> = {
      [REGISTRY]: REGISTRY_TEXT,
      "config/policy.yml": WIRING_TEXT,
      "config/tiers.yml": TIERS_TEXT,
      "config/signals.yml": SIGNALS_TEXT,
    };
    for (const [path, text] of Object.entries(files)) app.fake.commitFile(SOURCE, path, text);
  });
  afterAll(async () => {
    await app.stop();
    delete process.env.REGISTRY_REPO;
    nock.activate();
  });
  afterEach(() => expect(app.fake.problems).toEqual([]));

  /** The slowest /ping answer while `work` runs, pinging every 50 ms. */
  async function slowestPing(work: () => Promise<unknown>): Promise<number> {
    let slowest = 0;
    let done = false;
    const pinging = (async () => {
      while (!done) {
        const started = Date.now();
        const response = await fetch(`${app.url}/ping`);
        expect(await response.text()).toBe("PONG");
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await work();
    done = true;
    await pinging;
    return slowest;
  }

  test("a 1 MiB registry fails the Tier registry check by its size, unparsed, and /ping keeps answering", async () => {
    const git = app.fake.git(SOURCE);
    git.branches.set("huge", git.branches.get("main")!);
    app.fake.commitFile(SOURCE, REGISTRY, registryOf(1024 * 1024), "huge");
    git.pulls.push({
      number: 900,
      title: "More instances",
      body: "",
      head: "huge",
      base: "main",
      state: "open",
      merged: false,
    });
    const payload = pullRequestPayload("opened", SOURCE, {
      number: 900,
      head: git.branches.get("huge")!,
      base: git.branches.get("main")!,
    });
    const slowest = await slowestPing(() => app.deliver("pull_request", payload, "huge-pr-1"));
    const check = git.checkRuns.at(-1);
    expect(check).toMatchObject({ name: "Tier registry", conclusion: "failure" });
    expect(check?.summary).toContain(
      "`config/instances.yml` line 1, column 1: the file is 1,025 KiB, larger than the 128 KiB a configuration file may be",
    );
    expect(slowest).toBeLessThan(1_000);
  });

  test("a too-large registry merged onto the default branch is refused and the last good one kept", async () => {
    app.fake.commitFile(SOURCE, REGISTRY, registryOf(200 * 1024));
    await app.deliver("push", pushPayload(SOURCE, "refs/heads/main", [REGISTRY]), "huge-push-1");
    const status = await app.status();
    expect(status.registry.live).toEqual([
      expect.objectContaining({
        valid: false,
        instances: 21,
        problems: expect.stringContaining("larger than the 128 KiB"),
      }),
    ]);
  });
});

describe("the sweep and a rejection held while the registry was broken", () => {
  const issue = {
    title: "DNS records for openfoodnetwork.de",
    body: "Please update the DNS records for openfoodnetwork.de",
  };
  const plan = decide({ repo: INSTALL, ...issue, labels: [] }, registry, policy);
  const recorded = (held: boolean) => ({
    v: 1 as const,
    applied: ["sysadmin-pipe", "instance:de", "needs-triage"],
    suppressed: [],
    overrides: {},
    outcome: "needs-info" as const,
    read: readDigest(issue, plan.labels, plan.labels),
    ...(held ? { held: true } : {}),
  });
  const look = (held: boolean, trusted: boolean) =>
    staleness(
      plan,
      plan.labels,
      { body: "the bot comment" },
      recorded(held),
      { config: shippedConfig(), trusted },
      "open",
      readDigest(issue, plan.labels, plan.labels),
    );

  test("is decided by the sweep once the registry holds again, though the issue is unchanged", () => {
    expect(plan.outcome).toBe("rejected");
    expect(look(true, true)).toBe("held while the registry was invalid; valid again");
  });

  test("is left alone while the registry is still broken, and an unchanged decision is never re-decided", () => {
    expect(look(true, false)).toBeUndefined();
    expect(look(false, true)).toBeUndefined();
  });
});

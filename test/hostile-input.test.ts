// What anyone can type into an issue or a registry pull request must never crash the app, stop
// the sweep, or be taken for the app's own words. Each test here failed before its fix.
import { jest } from "@jest/globals";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { applyCommands } from "../src/commands/apply.js";
import { parseCommands } from "../src/commands/parse.js";
import { reconcile } from "../src/reconcile/sweep.js";
import { decide } from "../src/triage/decide.js";
import { liveConfig, startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { runCli } from "./helpers/cli.js";
import { shippedConfig } from "./helpers/config.js";
import type { FakeGitHub } from "./helpers/fake-github.js";
import { issuesPayload } from "./helpers/webhooks.js";

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
    const report = await reconcile(github as never, live, {
      dryRun: false,
      quietMs: 0,
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

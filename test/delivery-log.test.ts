// GitHub never redelivers by itself: a delivery made while the app was down stays failed in the
// App's delivery log. After a restart the app reads the log, asks for each failed delivery once,
// and handles the redelivery like the first: here an issue edit, a person's label change and a
// tier decision's registry pull request merged, all while the app was down.
import { jest } from "@jest/globals";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { pino } from "pino";
import { generateIssueForm } from "../src/form/generate.js";
import { deliveriesInFlight } from "../src/handlers/in-flight.js";
import { buildApp, startServer } from "../src/index.js";
import { decodeState } from "../src/triage/state.js";
import { QUICK_RETRIES, QuickWrites } from "./helpers/app-on-loopback.js";
import {
  POLICY_TEXT,
  REGISTRY_TEXT,
  SIGNALS_TEXT,
  TIERS_TEXT,
  WIRING_TEXT,
  shippedConfig,
} from "./helpers/config.js";
import { FakeGitHub } from "./helpers/fake-github.js";
import { freePort, loopbackAppEnv, testAppKey } from "./helpers/loopback.js";
import {
  applicationBody,
  applicationForm,
  BASIC_EVIDENCE,
  option,
} from "./helpers/tier-application.js";
import { commentPayload, issuesPayload, pullRequestPayload } from "./helpers/webhooks.js";

jest.setTimeout(60_000);

const REPO = "openfoodfoundation/ofn-install";
const REGISTRY_REPO = "openfoodfoundation/sysadmin-pipe";
const CIRCLE = "openfoodfoundation/instance-managers";
const SECRET = "delivery-log-secret-7d1e";
const { registry, policy } = shippedConfig();
const form = applicationForm(registry, policy);

let fake: FakeGitHub;
let port = 0;
let privateKey = "";
let stopApp: (() => Promise<void>) | undefined;

/** The app as `npm start` runs it, with its first look at the delivery log a moment after start. */
async function startApp(): Promise<void> {
  const env = {
    ...process.env,
    RECONCILE_EVERY_MINUTES: "0",
    REGISTRY_REPO,
    CIRCLE_TEAM: CIRCLE,
  };
  const server = await startServer(
    buildApp({ retryDelaysMs: QUICK_RETRIES, env, redeliverAfterMs: 200 }),
    {
      env: loopbackAppEnv({ port, secret: SECRET, privateKey, githubUrl: fake.url }),
      log: pino({ level: "silent" }),
      Octokit: QuickWrites,
    },
  );
  stopApp = () => server.stop();
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
}

const issue = (n: number) => fake.repo(REPO).issues.get(n)!;
const botState = (n: number) =>
  decodeState(
    fake.botComments(REPO, n).find((c) => c.body.startsWith("<!-- sysadmin-pipe -->"))?.body ?? "",
  );

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  fake = new FakeGitHub();
  await fake.start();
  port = await freePort();
  privateKey = testAppKey();
  fake.hook = { url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: SECRET };
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-log-"));
  const policyFile = path.join(dir, "policy.yml");
  writeFileSync(policyFile, POLICY_TEXT.replace(/^( {2}number:) null/m, "$1 5"));
  process.env.POLICY_FILE = policyFile;
  // The live registry's repository, for the tier application's pull request.
  const files: Record<string, string> = {
    "config/instances.yml": REGISTRY_TEXT,
    "config/policy.yml": WIRING_TEXT.replace(/^( {2}number:) null/m, "$1 5"),
    "config/tiers.yml": TIERS_TEXT,
    "config/signals.yml": SIGNALS_TEXT,
    ".github/ISSUE_TEMPLATE/sysadmin-request.yml": generateIssueForm(registry, policy),
  };
  for (const [file, text] of Object.entries(files)) fake.commitFile(REGISTRY_REPO, file, text);
  fake.teams.set(CIRCLE, new Set(["circle-member"]));
});

afterAll(async () => {
  await stopApp?.();
  await deliveriesInFlight.stop(); // the app's queue and timers, then what still runs
  await fake.stop();
  delete process.env.POLICY_FILE;
  nock.activate();
});

afterEach(() => expect(fake.problems).toEqual([]));

test("deliveries made while the app was down are redelivered after it starts, once each, and handled", async () => {
  await startApp();
  // Before the outage: a request, and a tier application the circle approves.
  const email = {
    number: 1,
    title: "French email errors",
    body: "Order confirmations from coopcircuits.fr are not sent.",
  };
  fake.addIssue(REPO, email);
  expect(await fake.deliverWebhook("issues", issuesPayload("opened", email))).toBe(200);
  const germany = {
    number: 2,
    title: "[Tier application] Open Food Network Germany",
    body: applicationBody(form, {
      instance: option(form, "instance", "de —"),
      tier: option(form, "tier", "basic"),
      ...BASIC_EVIDENCE,
    }),
    labels: form.labels,
    author: "de-manager",
  };
  fake.addIssue(REPO, { ...germany, labels: [...form.labels], user: "de-manager" });
  await fake.deliverWebhook("issues", issuesPayload("opened", germany));
  await until("the request is triaged", () => botState(1)?.outcome === "accepted");
  fake.repo(REPO).comments.push({
    id: 77_001,
    issue: 2,
    body: "/approve-tier basic",
    user: "circle-member",
    type: "User",
    reactions: [],
  });
  await fake.deliverWebhook(
    "issue_comment",
    commentPayload(
      { number: 2, title: germany.title, body: issue(2).body, labels: issue(2).labels },
      { id: 77_001, body: "/approve-tier basic", login: "circle-member" },
    ),
  );
  await until(
    "the registry pull request is opened",
    () => fake.git(REGISTRY_REPO).pulls.length === 1,
  );
  await until("the approval is recorded", () => botState(2)?.application?.pull !== undefined);

  // The app stops. Meanwhile, three deliveries fail: nothing answers.
  await stopApp!();
  const edited = {
    ...email,
    title: "French DNS records",
    body: "The DNS records of coopcircuits.fr point to the old server.",
  };
  Object.assign(issue(1), { title: edited.title, body: edited.body });
  expect(await fake.deliverWebhook("issues", issuesPayload("edited", edited))).toBe(0);
  issue(1).labels.push("size:L"); // a person's label
  const labeled = issuesPayload("edited", { ...edited, labels: issue(1).labels });
  Object.assign(labeled, { action: "labeled", label: { name: "size:L", color: "bfd4f2" } });
  labeled.sender = { ...labeled.sender, login: "sysadmin", type: "User" };
  expect(await fake.deliverWebhook("issues", labeled)).toBe(0);
  const pull = fake.git(REGISTRY_REPO).pulls[0]!;
  fake.mergePull(REGISTRY_REPO, pull.number);
  const merged = pullRequestPayload("opened", REGISTRY_REPO, {
    number: pull.number,
    head: "h",
    base: "b",
  });
  merged.action = "closed";
  Object.assign(merged.pull_request, { merged: true, state: "closed", body: pull.body });
  merged.sender = { ...merged.sender, login: "circle-member", type: "User" };
  expect(await fake.deliverWebhook("pull_request", merged)).toBe(0);
  const failed = fake.deliveries.filter((d) => d.status_code === 0).map((d) => d.guid);
  expect(failed).toHaveLength(3);

  // The app starts again: it reads the log, asks for each failed delivery once, handles them.
  await startApp();
  await until(
    "all three are handled",
    () =>
      issue(1).labels.includes("category:dns") &&
      !issue(1).labels.includes("category:email") &&
      fake.board.card(1)?.values.Size === "L" &&
      issue(2).state === "closed",
  );
  const redelivered = fake.deliveries.filter((d) => d.redelivery);
  expect(redelivered.map((d) => d.guid).sort()).toEqual([...failed].sort());
  expect(redelivered.every((d) => d.status_code === 200)).toBe(true);
  expect(issue(1).labels).not.toContain("category:email");
  expect(
    fake
      .repo(REPO)
      .comments.filter((c) => c.issue === 2)
      .at(-1)?.body,
  ).toContain("was merged");
  const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as {
    deliveries: { redelivered: number; recent: { guid: string }[] } | null;
  };
  expect(status.deliveries?.redelivered).toBe(3);

  // A second look asks for nothing again.
  await stopApp!();
  await startApp();
  await new Promise((r) => setTimeout(r, 1_000));
  expect(fake.deliveries.filter((d) => d.redelivery)).toHaveLength(3);
  await stopApp!();
  stopApp = undefined;
});

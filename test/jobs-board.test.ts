// The jobs board, end to end as GitHub drives the app: a developer takes a request its tier does
// not cover, estimates it, the instance's manager agrees, the developer logs time and delivers;
// then `sysadmin-pipe invoice` lists the job for that developer and instance, and nothing of the
// core pipe. The real server on loopback, signed deliveries, a schema-checked fake GitHub.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jest } from "@jest/globals";
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { runCli } from "./helpers/cli.js";
import { REGISTRY_TEXT } from "./helpers/config.js";
import { issueTalk } from "./helpers/issue-talk.js";

jest.setTimeout(120_000);

const REPO = "openfoodfoundation/ofn-install";
const REPORTS = "openfoodfoundation/sysadmin-reports";
const DEVELOPERS = "openfoodfoundation/jobs-board-developers";
let app: LoopbackApp;
let registryFile: string;
const talk = issueTalk(() => app, REPO, 70_000);
const { issue, stateOf, open, say } = talk;
const replies = talk.notes;

/** Germany's manager speaks for it in the registry; the rest is the shipped registry. */
const REGISTRY = REGISTRY_TEXT.replace(
  /^( {2}de:\n {4}name: .*\n)/m,
  "$1    managers: [de-manager]\n",
);

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-jobs-"));
  registryFile = path.join(dir, "instances.yml");
  writeFileSync(registryFile, REGISTRY);
  process.env.REGISTRY_FILE = registryFile;
  app = await startLoopbackApp({
    policy: (text) => text.replace(/^( {2}developers:) null/m, `$1 ${DEVELOPERS}`),
  });
  app.fake.repo(REPO).permissions.set("maintainer", "write");
  app.fake.teams.set(DEVELOPERS, new Set(["jobs-dev"]));
});
afterAll(async () => {
  await app.stop();
  delete process.env.REGISTRY_FILE;
  nock.activate();
});
beforeEach(() => {
  forgetBoards();
  forgetKnownLabels();
});
afterEach(() => expect(app.fake.problems).toEqual([]));

const DE_EMAIL = {
  title: "Emails from openfoodnetwork.de bounce",
  body: "Order confirmations have bounced since Monday.",
}; // Germany is on the basic tier: not covered
const UK_UPGRADE = { title: "Upgrade Postgres on the UK server", body: "Planned, no rush." }; // accepted

/** This quarter, as `--period` writes it: the fake GitHub's issues are opened now. */
function thisQuarter(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

const card = (n: number) => app.fake.board.card(n);

/** A German email request its tier does not cover, put on the jobs board by its manager. */
async function onTheJobsBoard(n: number): Promise<void> {
  await open(n, DE_EMAIL);
  expect(await say(n, "de-manager", "/job-board")).toEqual(["+1"]);
  expect(card(n)?.values.Status).toBe("Jobs board");
}

/** The command line against the fake GitHub, as a scheduled workflow runs it. */
const cli = (args: string[]) =>
  runCli(args, {
    env: {
      GITHUB_TOKEN: "ghs_cli_token",
      GITHUB_API_URL: `${app.fake.url}/api/v3`,
      REGISTRY_FILE: registryFile,
      REPORTS_REPO: REPORTS,
    },
  });

async function loadTotals(): Promise<{ pipeHours: number; jobsHours: number }> {
  const result = await cli(["report", "--period", thisQuarter(), "--json"]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).totals;
}

describe("a job from take to invoice", () => {
  test("a job is taken, estimated, agreed, logged and done, and `invoice` lists it for that developer and instance with its hours, while the core pipe's hours are unchanged", async () => {
    await open(301, UK_UPGRADE);
    expect(await say(301, "maintainer", "/spent 1h")).toEqual(["+1"]);
    const pipeBefore = await loadTotals();
    expect(pipeBefore).toMatchObject({ pipeHours: 1, jobsHours: 0 });

    await onTheJobsBoard(302);
    expect(await say(302, "jobs-dev", "/take")).toEqual(["+1"]);
    expect(issue(302).assignees).toEqual(["jobs-dev"]);
    expect(card(302)?.values.Status).toBe("In progress");

    expect(await say(302, "jobs-dev", "/estimate 6h at 45 EUR/h")).toEqual(["+1"]);
    expect(card(302)?.numbers.Estimate).toBe(6);
    expect(stateOf(302).text).toContain(
      "**Taken by** @jobs-dev, estimate **6h** at **45.00 EUR/h**.",
    );
    expect(stateOf(302).text).toContain("waits for the instance's agreement before work starts");

    expect(await say(302, "de-manager", "/agree")).toEqual(["+1"]);
    expect(stateOf(302).text).toContain("Agreed by @de-manager on ");
    expect(stateOf(302).text).not.toContain("waits for the instance's agreement");

    expect(await say(302, "jobs-dev", "/spent 2h")).toEqual(["+1"]);
    expect(card(302)?.numbers.Hours).toBe(2);

    expect(await say(302, "jobs-dev", "/done")).toEqual(["+1"]);
    expect(issue(302).state).toBe("closed");
    expect(card(302)?.values.Status).toBe("Done");
    expect(stateOf(302).state?.commanded?.job).toMatchObject({
      taker: "jobs-dev",
      estimate: 360,
      price: { per: "hour", minor: 4500, currency: "EUR" },
      agreed: { by: "de-manager" },
      done: { by: "jobs-dev", at: expect.any(String) },
    });
    expect(replies(302)).toEqual([]);

    const result = await cli(["invoice", "--period", thisQuarter(), "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const invoice = JSON.parse(result.stdout);
    expect(invoice.groups).toEqual([
      {
        developer: "jobs-dev",
        instance: "de",
        name: "Germany",
        loggedHours: 2,
        billedHours: 2,
        totals: [{ minor: 9000, currency: "EUR" }],
        jobs: [
          expect.objectContaining({
            number: 302,
            url: `https://github.com/${REPO}/issues/302`,
            estimateHours: 6,
            agreedBy: "de-manager",
            loggedHours: 2,
            billedHours: 2,
            amount: { minor: 9000, currency: "EUR" },
          }),
        ],
      },
    ]);
    // The load report keeps the two apart: the pipe's hours are as they were.
    expect(await loadTotals()).toEqual(expect.objectContaining({ pipeHours: 1, jobsHours: 2 }));
  });

  test("invoice --csv: one row per job; nothing from the pipe; --developer and --instance narrow it", async () => {
    const csv = await cli(["invoice", "--period", thisQuarter(), "--csv"]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trimEnd().split("\r\n");
    expect(rows[0]).toBe(
      "period,developer,instance,repo,issue,title,url,price,price_per,estimate_hours,agreed_by,agreed_at,done_at,logged_hours,billed_hours,amount,currency",
    );
    expect(rows.slice(1).map((r) => r.split(",").slice(1, 5))).toEqual([
      ["jobs-dev", "de", REPO, "302"],
    ]);
    expect(csv.stdout).not.toContain("Postgres");
    const markdown = await cli(["invoice", "--period", thisQuarter()]);
    expect(markdown.stdout).toContain(`## jobs-dev to Germany: ${thisQuarter()}`);
    expect(markdown.stdout).not.toContain("ofn-install#301");
    const nobody = await cli([
      "invoice",
      "--period",
      thisQuarter(),
      "--developer",
      "someone-else",
      "--json",
    ]);
    expect(JSON.parse(nobody.stdout).groups).toEqual([]);
    const france = await cli(["invoice", "--period", thisQuarter(), "--instance", "fr", "--json"]);
    expect(JSON.parse(france.stdout).totals).toEqual({
      jobs: 0,
      loggedHours: 0,
      billedHours: 0,
      amounts: [],
    });
  });

  test("invoice --post keeps one summary issue per period in reports.repo, updated in place", async () => {
    const first = await cli(["invoice", "--period", thisQuarter(), "--post"]);
    expect(first.stderr).toMatch(/^invoice summary for \d{4}-Q\d: created #1\n$/);
    const again = await cli(["invoice", "--period", thisQuarter(), "--post"]);
    expect(again.stderr).toMatch(/: unchanged #1\n$/);
    const posted = [...app.fake.repo(REPORTS).issues.values()];
    expect(posted.map((i) => [i.title, i.labels])).toEqual([
      [`Jobs board invoices: ${thisQuarter()}`, ["jobs-invoice"]],
    ]);
    expect(posted[0]!.body).toContain("ofn-install#302");
  });

  test("invoice refuses a filtered --post and an unknown instance, before reading anything", async () => {
    const filtered = await cli([
      "invoice",
      "--period",
      thisQuarter(),
      "--post",
      "--instance",
      "de",
    ]);
    expect(filtered.code).toBe(2);
    expect(filtered.stderr).toContain("--post keeps the whole period's summary");
    const unknown = await cli(["invoice", "--period", thisQuarter(), "--instance", "zz"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--instance `zz` is not in the registry");
  });
});

describe("what the jobs board refuses, and what it says", () => {
  test("/take by a non-developer is refused with 😕 and a reply", async () => {
    await onTheJobsBoard(303);
    expect(await say(303, "passer-by", "/take")).toEqual(["confused"]);
    expect(replies(303)).toEqual([
      expect.stringContaining(
        "- `/take`: not done, only maintainers (write access to this repository) or members of the jobs-board developers' team can use `/take`.",
      ),
    ]);
    expect(issue(303).assignees ?? []).toEqual([]);
    expect(card(303)?.values.Status).toBe("Jobs board");
  });

  test("/agree by a maintainer who is not the instance's manager is refused", async () => {
    await onTheJobsBoard(304);
    expect(await say(304, "jobs-dev", "/take\n/estimate 4h")).toEqual(["+1"]);
    expect(await say(304, "maintainer", "/agree")).toEqual(["confused"]);
    expect(replies(304)).toEqual([
      expect.stringContaining(
        "- `/agree`: not done, only the managers of the instance it is about can use `/agree`.",
      ),
    ]);
    expect(stateOf(304).state?.commanded?.job).toEqual({ taker: "jobs-dev", estimate: 240 });
  });

  test("work before agreement: the comment says it waits", async () => {
    await onTheJobsBoard(305);
    expect(await say(305, "jobs-dev", "/take\n/estimate 4h")).toEqual(["+1"]);
    expect(await say(305, "jobs-dev", "/spent 1h")).toEqual(["+1"]);
    const { text } = stateOf(305);
    expect(text).toContain(
      "⏳ The job waits for the instance's agreement before work starts: a manager of Germany agrees to the estimate with `/agree`.",
    );
    expect(text).toContain("1h of jobs-board time (paid extra work, not counted against the pipe)");
  });

  test("a board set up before the Estimate field existed still moves the job's card; the estimate waits for `board setup`", async () => {
    const board = app.fake.board;
    const estimate = board.fields.find((f) => f.name === "Estimate")!;
    board.fields = board.fields.filter((f) => f !== estimate);
    forgetBoards(); // the app reads the board's fields again, as after a restart
    try {
      await onTheJobsBoard(307);
      expect(await say(307, "jobs-dev", "/take\n/estimate 3h")).toEqual(["+1"]);
      expect(card(307)?.values.Status).toBe("In progress");
      expect(card(307)?.numbers).toEqual({});
      expect(stateOf(307).text).toContain("estimate **3h**");
      expect(stateOf(307).text).not.toContain("Could not");
      expect(app.logLines.some((l) => l.includes("the board has no such number field"))).toBe(true);
    } finally {
      board.fields.push(estimate);
      forgetBoards();
    }
  });

  test("/release gives the job back: the developer is unassigned, the card returns to the Jobs board and its estimate is emptied", async () => {
    await onTheJobsBoard(306);
    await say(306, "jobs-dev", "/take");
    await say(306, "jobs-dev", "/estimate 90m");
    expect(card(306)?.values.Status).toBe("In progress");
    expect(card(306)?.numbers.Estimate).toBe(1.5);
    expect(await say(306, "jobs-dev", "/release")).toEqual(["+1"]);
    expect(issue(306).assignees).toEqual([]);
    expect(card(306)?.values.Status).toBe("Jobs board");
    expect(card(306)?.numbers).not.toHaveProperty("Estimate");
    expect(stateOf(306).state?.commanded?.job).toBeUndefined();
  });
});

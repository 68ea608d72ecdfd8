// Time and money, end to end as GitHub drives the app: a job priced at an hourly rate, agreed,
// logged over two months, corrected and delivered gives two monthly invoices with the right
// amounts; the instance's managers hear when the agreed hours are reached; a pipe request's hours
// never reach an invoice; an hour cap counts the hours logged in its month; the load report's
// per-developer table flags pipe hours falling while jobs hours rise; `cost` prints an
// instance's cost of support. The real server on loopback, a schema-checked fake GitHub.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jest } from "@jest/globals";
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetCapUsage } from "../src/github/cap-usage.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { runCli } from "./helpers/cli.js";
import { POLICY_TEXT, REGISTRY_TEXT } from "./helpers/config.js";
import { issueTalk } from "./helpers/issue-talk.js";

jest.setTimeout(120_000);

const REPO = "openfoodfoundation/ofn-install";
const DEVELOPERS = "openfoodfoundation/jobs-board-developers";
let app: LoopbackApp;
let registryFile: string;
const talk = issueTalk(() => app, REPO, 90_000);
const { issue, stateOf, open, say } = talk;
const notes = talk.notes;
let policyFile: string;

/** The full tier is capped at 8 logged hours a month; a pipe hour costs 60 EUR. */
const withMoney = (text: string) =>
  text
    .replace(/^( {2}developers:) null/m, `$1 ${DEVELOPERS}`)
    .replace(/^( {2}full:\n)/m, "$1    hour_cap: { hours: 8, per: month, count: logged }\n")
    .replace(/^(size_hours:)/m, "pipe_hour_cost: { amount: 60, currency: EUR }\n$1");

/** Germany's manager speaks for it in the registry; the rest is the shipped registry. */
const REGISTRY = REGISTRY_TEXT.replace(
  /^( {2}de:\n {4}name: .*\n)/m,
  "$1    managers: [de-manager]\n",
);

/** The month `back` months before this one, as `--period` writes it. */
function monthAgo(back: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
    .toISOString()
    .slice(0, 7);
}
/** A moment on a day of that month. */
const onDay = (month: string, day: number) => `${month}-${String(day).padStart(2, "0")}T10:00:00Z`;

const [M4, M3, M2, M1] = [4, 3, 2, 1].map(monthAgo) as [string, string, string, string];

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-money-"));
  registryFile = path.join(dir, "instances.yml");
  writeFileSync(registryFile, REGISTRY);
  process.env.REGISTRY_FILE = registryFile;
  // The app and the command line read the same policy.
  policyFile = path.join(dir, "policy.yml");
  writeFileSync(policyFile, withMoney(POLICY_TEXT));
  app = await startLoopbackApp({ policy: withMoney });
  app.fake.repo(REPO).permissions.set("maintainer", "write");
  // A developer of the jobs board who is also on sysadmin duty: logs pipe time too.
  app.fake.repo(REPO).permissions.set("jobs-dev", "write");
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
  forgetCapUsage();
});
afterEach(() => expect(app.fake.problems).toEqual([]));

const cli = (args: string[]) =>
  runCli(args, {
    env: {
      GITHUB_TOKEN: "ghs_cli_token",
      GITHUB_API_URL: `${app.fake.url}/api/v3`,
      REGISTRY_FILE: registryFile,
      POLICY_FILE: policyFile,
    },
  });

/** One invoice: jobs-dev's to Germany for a month. */
const invoiceOf = (month: string) => [
  "invoice",
  "--period",
  month,
  "--developer",
  "jobs-dev",
  "--instance",
  "de",
];

async function cliJson(args: string[]) {
  const result = await cli([...args, "--json"]);
  expect(result).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(result.stdout);
}

const DE_EMAIL = {
  title: "Emails from openfoodnetwork.de bounce",
  body: "Order confirmations have bounced since Monday.",
}; // Germany is on the basic tier: not covered
const UK_EMAIL = {
  title: "UK emails are not sent",
  body: "Order confirmations from openfoodnetwork.org.uk are not sent.",
}; // full tier, size S: about 3 hours
const ES_DNS = {
  title: "Katuma: DNS records for katuma.org are wrong",
  body: "The DNS of katuma.org points at the old server.",
};

describe("a job priced by the hour, over two months", () => {
  test("estimated at a rate, agreed, logged in two months, corrected and done: each month's invoice bills its own hours", async () => {
    await open(401, DE_EMAIL);
    expect(await say(401, "de-manager", "/job-board")).toEqual(["+1"]);
    expect(await say(401, "jobs-dev", "/take")).toEqual(["+1"]);
    expect(await say(401, "jobs-dev", "/estimate 8h at 45 EUR/h")).toEqual(["+1"]);
    expect(stateOf(401).text).toContain(
      "**Taken by** @jobs-dev, estimate **8h** at **45.00 EUR/h**.",
    );
    expect(await say(401, "de-manager", "/agree", onDay(M2, 3))).toEqual(["+1"]);

    expect(await say(401, "jobs-dev", "/spent 3h", onDay(M2, 20))).toEqual(["+1"]);
    expect(notes(401)).toEqual([]);
    // 3h + 5h reaches the 8h agreed: the managers are told, once.
    expect(await say(401, "jobs-dev", "/spent 5h", onDay(M1, 5))).toEqual(["+1"]);
    expect(notes(401)).toEqual([
      expect.stringContaining(
        "⏱️ @de-manager: @jobs-dev has logged **8h** on this job, which reaches the **8h** you agreed to at 45.00 EUR/h.",
      ),
    ]);
    expect(stateOf(401).text).toContain(
      "8h of the agreed 8h logged: more hours need a new estimate",
    );
    // A correction: half an hour was logged too much. Not a second note.
    expect(await say(401, "jobs-dev", "/spent -30m", onDay(M1, 6))).toEqual(["+1"]);
    expect(notes(401)).toHaveLength(1);
    expect(await say(401, "jobs-dev", "/done", onDay(M1, 10))).toEqual(["+1"]);
    expect(issue(401).state).toBe("closed");
    expect(stateOf(401).state?.entries?.map((e) => [e.at, e.minutes, e.bucket])).toEqual([
      [onDay(M2, 20), 180, "jobs"],
      [onDay(M1, 5), 300, "jobs"],
      [onDay(M1, 6), -30, "jobs"],
    ]);

    const first = await cliJson(invoiceOf(M2));
    expect(first.groups).toEqual([
      expect.objectContaining({
        developer: "jobs-dev",
        instance: "de",
        loggedHours: 3,
        billedHours: 3,
        totals: [{ minor: 13_500, currency: "EUR" }],
      }),
    ]);
    const second = await cliJson(invoiceOf(M1));
    expect(second.groups[0]).toMatchObject({
      loggedHours: 4.5,
      billedHours: 4.5,
      totals: [{ minor: 20_250, currency: "EUR" }],
      jobs: [
        expect.objectContaining({
          number: 401,
          price: { per: "hour", minor: 4500, currency: "EUR" },
          estimateHours: 8,
          agreedBy: "de-manager",
          doneAt: onDay(M1, 10),
          amount: { minor: 20_250, currency: "EUR" },
        }),
      ],
    });
    const markdown = await cli(invoiceOf(M1));
    expect(markdown.stdout).toContain(`## jobs-dev to Germany: ${M1}`);
    expect(markdown.stdout).toContain("| 4.5 | 4.5 | **202.50 EUR** |");
    console.log(`invoice --period ${M1} --developer jobs-dev --instance de\n\n${markdown.stdout}`);
  });

  test("a pipe request's hours never reach an invoice, though the same developer logged them", async () => {
    await open(402, UK_EMAIL);
    expect(stateOf(402).state?.outcome).toBe("accepted");
    expect(await say(402, "jobs-dev", "/spent 2h")).toEqual(["+1"]);
    expect(stateOf(402).state?.entries).toEqual([
      expect.objectContaining({ by: "jobs-dev", minutes: 120, bucket: "pipe" }),
    ]);
    const invoice = await cliJson(["invoice", "--period", monthAgo(0)]);
    expect(invoice.groups).toEqual([]);
    expect(invoice.totals.loggedHours).toBe(0);
  });

  test("a correction takes back only the writer's own time", async () => {
    expect(await say(402, "maintainer", "/spent -1h")).toEqual(["confused"]);
    expect(notes(402).at(-1)).toContain(
      "you have logged 0m of sysadmin-pipe time here, and a correction takes back only your own",
    );
  });
});

describe("an hour cap counts the hours logged in its period", () => {
  test("hours logged last month do not count against this month's cap; this month's do", async () => {
    // Before: 2h this month on #402. Opened last month: 5h logged then, 2h this month.
    await open(410, UK_EMAIL, onDay(M1, 2));
    expect(await say(410, "maintainer", "/spent 5h", onDay(M1, 3))).toEqual(["+1"]);
    expect(await say(410, "maintainer", "/spent 2h")).toEqual(["+1"]);
    forgetCapUsage();
    // This month: 4h used of 8; a new S request (about 3h) fits. (Counted by the issue, all 9h of
    // #410 would count in the month it was opened, and none of them this month.)
    await open(411, { ...UK_EMAIL, title: "UK emails are not sent again" });
    expect(stateOf(411).state?.outcome).toBe("accepted");
    expect(await say(410, "maintainer", "/spent 2h")).toEqual(["+1"]);
    forgetCapUsage();
    // Now 6h this month: 6 + 3 > 8.
    await open(412, { ...UK_EMAIL, title: "UK emails still not sent" });
    expect(stateOf(412).state?.outcome).toBe("rejected");
    expect(stateOf(412).text).toContain("UK has used 6 of 8 pipe hours this month");
  });
});

describe("the cost of support and the developers' hours", () => {
  test("`cost --instance es`: its months' pipe hours at the hour's cost, and a 12-month projection", async () => {
    await open(420, ES_DNS, onDay(M4, 2));
    for (const [month, hours] of [
      [M4, "2h"],
      [M3, "2h"],
      [M2, "2h"],
      [M1, "1h"],
    ] as const)
      expect(await say(420, "jobs-dev", `/spent ${hours}`, onDay(month, 15))).toEqual(["+1"]);
    const cost = await cliJson(["cost", "--instance", "es", "--months", "6"]);
    expect(cost.instance).toEqual({ code: "es", name: "Spain", tier: "full" });
    expect(cost.total).toMatchObject({
      hours: 7,
      cost: { minor: 42_000, currency: "EUR" },
      projectedHours: 14,
      projectedCost: { minor: 84_000, currency: "EUR" },
    });
    expect(
      cost.byMonth.map((r: { key: string; hours: number }) => [r.key, r.hours]).slice(-4),
    ).toEqual([
      [M4, 2],
      [M3, 2],
      [M2, 2],
      [M1, 1],
    ]);
    expect(cost.byCategory).toEqual([
      expect.objectContaining({ key: "dns", hours: 7, projectedHours: 14 }),
    ]);
    const table = await cli(["cost", "--instance", "es", "--months", "6"]);
    expect(table.stdout).toContain("# Cost of support: Spain (es)");
    expect(table.stdout).toContain(
      "**In 6 months: 7 pipe hours, 420.00 EUR. Next 12 months: 14 hours, 840.00 EUR.**",
    );
    console.log(`cost --instance es --months 6\n\n${table.stdout}`);
    const csv = await cli(["cost", "--instance", "es", "--months", "6", "--csv"]);
    expect(csv.stdout.split("\r\n").at(-2)).toBe("es,total,total,1,7,420.00,14,840.00,EUR");
  });

  test("the load report: each developer's pipe and jobs hours per month, flagged when pipe fell while jobs rose", async () => {
    const report = await cliJson(["report", "--period", M1]);
    // jobs-dev logged 2h of pipe time in each of the three months before, 1h last month, while
    // their jobs-board hours went from none to 4.5h.
    const row = report.developers.find((d: { developer: string }) => d.developer === "jobs-dev");
    expect(row).toEqual({
      developer: "jobs-dev",
      month: M1,
      pipeHours: 1,
      jobsHours: 4.5,
      usual: { pipeHours: 2, jobsHours: 0 },
      flagged: true,
    });
    const before = await cliJson(["report", "--period", M2]);
    expect(before.developers).toEqual([
      {
        developer: "jobs-dev",
        month: M2,
        pipeHours: 2,
        jobsHours: 3,
        usual: { pipeHours: 2, jobsHours: 0 },
        flagged: false,
      },
    ]);
    // Last month's pipe hours, whenever their requests were opened: Spain 1h, the UK 5h.
    const hours = (code: string) => report.instances.find((l: { code: string }) => l.code === code);
    expect(hours("es")).toMatchObject({ pipeHours: 1, pipeCost: { minor: 6000, currency: "EUR" } });
    expect(hours("uk")).toMatchObject({
      pipeHours: 5,
      pipeCost: { minor: 30_000, currency: "EUR" },
    });
    expect(report.totals.pipeCost).toEqual({ minor: 36_000, currency: "EUR" });
    const markdown = await cli(["report", "--period", M1]);
    expect(markdown.stdout).toContain("## Developers' hours by month");
    expect(markdown.stdout).toContain(
      `| jobs-dev | ${M1} | 1 | 4.5 | 2 | 0 | ⚑ pipe down, jobs up |`,
    );
    console.log(`report --period ${M1}\n\n${markdown.stdout}`);
  });
});

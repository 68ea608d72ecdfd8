// The jobs board's invoices as pure rules: what a period bills for each job (hourly up to the
// agreed estimate, by the month each hour was logged; fixed when done; nothing unagreed), split
// per instance to the cent, totals per currency; never anything of the pipe.
import { jobRecord, pipeRecord } from "../src/report/pipe-records.js";
import { billedMinutes } from "../src/report/billing.js";
import { buildInvoice, invoiceCsv, renderInvoice, type JobRecord } from "../src/report/invoice.js";
import { loadReport } from "../src/report/load.js";
import { parsePeriod } from "../src/report/period.js";
import { encodeState } from "../src/triage/state.js";
import type { RecordedState } from "../src/triage/types.js";
import { shippedConfig } from "./helpers/config.js";

const config = shippedConfig();
const OCT = parsePeriod("2026-10")!;
const NOV = parsePeriod("2026-11")!;
const Q4 = parsePeriod("2026-Q4")!;
const REPO = "openfoodfoundation/ofn-install";
const EUR_45 = { per: "hour" as const, minor: 4500, currency: "EUR" };

const job = (fields: Partial<JobRecord> & { number: number }): JobRecord => ({
  repo: REPO,
  title: `Job ${fields.number}`,
  url: `https://github.com/${REPO}/issues/${fields.number}`,
  instances: ["de"],
  developer: "jobs-dev",
  estimateMinutes: 360,
  price: EUR_45,
  agreed: { by: "de-manager", at: "2026-10-05T09:00:00.000Z" },
  entries: [],
  ...fields,
});
const at = (day: string, minutes: number) => ({ at: `${day}T15:00:00.000Z`, minutes });

describe("what a month bills for an hourly job", () => {
  // 6h agreed at 45 EUR/h: 3h in October, 4h in November (one over), then 30 minutes taken back.
  const long = job({
    number: 1,
    entries: [at("2026-10-20", 180), at("2026-11-05", 240), at("2026-11-06", -30)],
  });

  test("each month bills the hours logged in it, at the rate, up to the agreed estimate", () => {
    const october = buildInvoice([long], OCT, config.registry);
    expect(october.groups[0]!.jobs[0]).toMatchObject({
      loggedHours: 3,
      billedHours: 3,
      amount: { minor: 13_500, currency: "EUR" },
    });
    const november = buildInvoice([long], NOV, config.registry);
    // 4h logged, only 3h left of the 6h agreed; the correction takes back the 30 minutes over.
    expect(november.groups[0]!.jobs[0]).toMatchObject({
      loggedHours: 3.5,
      billedHours: 3,
      amount: { minor: 13_500, currency: "EUR" },
      note: "over estimate",
    });
    expect(november.totals.amounts).toEqual([{ minor: 13_500, currency: "EUR" }]);
  });

  test("a quarter is the sum of its months", () => {
    const quarter = buildInvoice([long], Q4, config.registry);
    expect(quarter.totals).toEqual({
      jobs: 1,
      loggedHours: 6.5,
      billedHours: 6,
      amounts: [{ minor: 27_000, currency: "EUR" }],
    });
  });

  test("hours are billed in the order they were logged; a correction gives back what it took", () => {
    expect(billedMinutes([at("a", 300), at("b", 120), at("c", -60)], 360)).toEqual([300, 60, 0]);
    expect(billedMinutes([at("a", 300), at("b", -60), at("c", 120)], 360)).toEqual([300, -60, 120]);
  });

  test("nothing is billed without an agreement, nor without a price", () => {
    const unagreed = buildInvoice(
      [job({ number: 2, agreed: undefined, entries: [at("2026-11-02", 60)] })],
      NOV,
      config.registry,
    );
    expect(unagreed.groups[0]!.jobs[0]).toMatchObject({ billedHours: 0, note: "not agreed" });
    expect(unagreed.groups[0]!.jobs[0]!.amount).toBeUndefined();
    const unpriced = buildInvoice(
      [job({ number: 3, price: undefined, entries: [at("2026-11-02", 60)] })],
      NOV,
      config.registry,
    );
    expect(unpriced.groups[0]!.jobs[0]).toMatchObject({ billedHours: 1, note: "no price" });
    expect(unpriced.totals.amounts).toEqual([]);
  });
});

describe("fixed prices, shares and currencies", () => {
  const fixed = job({
    number: 4,
    estimateMinutes: undefined,
    price: { per: "job", minor: 25_000, currency: "EUR" },
    doneAt: "2026-11-20T16:00:00.000Z",
    entries: [at("2026-10-10", 120), at("2026-11-19", 200)],
  });

  test("a fixed price is billed whole in the month the job was done", () => {
    expect(buildInvoice([fixed], NOV, config.registry).groups[0]!.jobs[0]).toMatchObject({
      loggedHours: 5.33,
      amount: { minor: 25_000, currency: "EUR" },
    });
    const october = buildInvoice([fixed], OCT, config.registry).groups[0]!.jobs[0]!;
    expect(october).toMatchObject({ loggedHours: 2, billedHours: 0, note: "not done" });
    expect(october.amount).toBeUndefined();
  });

  test("a job for three instances is split to the cent, the remainder to the first", () => {
    const shared = job({
      number: 5,
      instances: ["ie", "de", "fr"],
      estimateMinutes: undefined,
      price: { per: "job", minor: 10_000, currency: "EUR" },
      doneAt: "2026-11-20T16:00:00.000Z",
    });
    const invoice = buildInvoice([shared], NOV, config.registry);
    expect(invoice.groups.map((g) => [g.instance, g.totals])).toEqual([
      ["de", [{ minor: 3334, currency: "EUR" }]],
      ["fr", [{ minor: 3333, currency: "EUR" }]],
      ["ie", [{ minor: 3333, currency: "EUR" }]],
    ]);
    expect(invoice.totals.amounts).toEqual([{ minor: 10_000, currency: "EUR" }]);
  });

  test("totals never mix currencies", () => {
    const pounds = job({
      number: 6,
      price: { per: "hour", minor: 4000, currency: "GBP" },
      entries: [at("2026-11-03", 90)],
    });
    const euros = job({ number: 7, entries: [at("2026-11-03", 60)] });
    const invoice = buildInvoice([pounds, euros], NOV, config.registry);
    expect(invoice.groups[0]!.totals).toEqual([
      { minor: 4500, currency: "EUR" },
      { minor: 6000, currency: "GBP" },
    ]);
    expect(renderInvoice(invoice)).toContain("**45.00 EUR; 60.00 GBP**");
  });
});

describe("what the invoice says", () => {
  const invoice = buildInvoice(
    [
      job({ number: 1, entries: [at("2026-11-05", 150)] }),
      job({
        number: 2,
        developer: "other-dev",
        agreed: undefined,
        entries: [at("2026-11-05", 60)],
      }),
    ],
    NOV,
    config.registry,
  );

  test("the Markdown: one invoice per developer and instance, with price, hours and amount", () => {
    const md = renderInvoice(invoice);
    expect(md).toContain("# Jobs board invoices: 2026-11");
    expect(md).toContain("## jobs-dev to Germany: 2026-11");
    expect(md).toContain(
      `| [Job 1](<https://github.com/${REPO}/issues/1>) (ofn-install#1) | 45.00 EUR/h | 6 | de-manager, 2026-10-05 |  | 2.5 | 2.5 | 112.50 EUR |`,
    );
    expect(md).toContain("| **Total** |  |  |  |  | 2.5 | 2.5 | **112.50 EUR** |");
    expect(md).toContain("| **not agreed** |  | 1 | 0 (not agreed: not billed) |  |");
    expect(md).toContain("Nothing is billed without an agreement");
    expect(renderInvoice(buildInvoice([], NOV, config.registry))).toContain(
      "No jobs-board work to bill in 2026-11.",
    );
  });

  test("--instance and --developer narrow it", () => {
    const other = buildInvoice(
      [job({ number: 1, entries: [at("2026-11-05", 150)] })],
      NOV,
      config.registry,
      { developer: "Other-Dev" },
    );
    expect(other.groups).toEqual([]);
    const de = buildInvoice(
      [job({ number: 1, entries: [at("2026-11-05", 150)] })],
      NOV,
      config.registry,
      {
        instance: "de",
      },
    );
    expect(de.totals.amounts).toEqual([{ minor: 11_250, currency: "EUR" }]);
  });

  test("the CSV: one row per job and instance, amounts as decimals with their currency", () => {
    const odd = buildInvoice(
      [job({ number: 7, title: 'DNS, "urgent"', entries: [at("2026-11-05", 150)] })],
      NOV,
      config.registry,
    );
    expect(invoiceCsv(odd).split("\r\n")).toEqual([
      "period,developer,instance,repo,issue,title,url,price,price_per,estimate_hours,agreed_by,agreed_at,done_at,logged_hours,billed_hours,amount,currency",
      `2026-11,jobs-dev,de,${REPO},7,"DNS, ""urgent""",https://github.com/${REPO}/issues/7,45.00,hour,6,de-manager,2026-10-05T09:00:00.000Z,,2.5,2.5,112.50,EUR`,
      "",
    ]);
  });
});

test("a title written as a spreadsheet formula stays text in the CSV; a credit stays a number", () => {
  const sly = buildInvoice(
    [
      job({
        number: 8,
        title: '=HYPERLINK("https://evil.example","pay")',
        entries: [at("2026-10-05", 120), at("2026-11-05", -60)],
      }),
    ],
    NOV,
    config.registry,
  );
  const row = invoiceCsv(sly).split("\r\n")[1]!;
  expect(row).toContain(`"'=HYPERLINK(""https://evil.example"",""pay"")"`);
  expect(row).toMatch(/,-1,-1,-45\.00,EUR$/);
});

describe("reading jobs from the bot comment", () => {
  const issue = (number: number) => ({
    number,
    title: `Issue ${number}`,
    created_at: "2026-10-01T08:00:00Z",
    html_url: `https://github.com/${REPO}/issues/${number}`,
    labels: [{ name: "sysadmin-pipe" }, { name: "instance:de" }],
  });
  const botComment = (state: RecordedState) => [
    {
      body: `<!-- sysadmin-pipe -->\n${encodeState(state)}`,
      created_at: "2026-10-01T08:00:05Z",
      user: { login: "sysadmin-pipe[bot]", type: "Bot" },
    },
  ];
  const base: RecordedState = { v: 1, applied: [], suppressed: [], overrides: {} };
  const read = (n: number, state: RecordedState) =>
    jobRecord(REPO, issue(n), botComment(state), config, "sysadmin-pipe[bot]");

  test("a pipe request has no job: nothing of the pipe reaches the invoice", () => {
    const pipe: RecordedState = {
      ...base,
      outcome: "accepted",
      entries: [{ by: "jobs-dev", at: "2026-11-02T10:00:00Z", minutes: 300, bucket: "pipe" }],
    };
    expect(read(1, pipe)).toBeUndefined();
  });

  test("a job: its developer, estimate, price, agreement, and its developer's entries only", () => {
    const state: RecordedState = {
      ...base,
      outcome: "rejected",
      entries: [
        { by: "someone-else", at: "2026-10-02T10:00:00Z", minutes: 60, bucket: "jobs" },
        { by: "jobs-dev", at: "2026-10-20T10:00:00Z", minutes: 180, bucket: "jobs" },
        { by: "jobs-dev", at: "2026-11-05T10:00:00Z", minutes: 45, bucket: "pipe" },
      ],
      commanded: {
        overrides: {},
        jobBoard: { by: "de-manager" },
        job: {
          taker: "jobs-dev",
          estimate: 360,
          price: EUR_45,
          agreed: { by: "de-manager", at: "2026-10-05T09:00:00.000Z" },
        },
      },
    };
    expect(read(2, state)).toEqual({
      repo: REPO,
      number: 2,
      title: "Issue 2",
      url: `https://github.com/${REPO}/issues/2`,
      instances: ["de"],
      developer: "jobs-dev",
      estimateMinutes: 360,
      price: EUR_45,
      agreed: { by: "de-manager", at: "2026-10-05T09:00:00.000Z" },
      entries: [{ at: "2026-10-20T10:00:00Z", minutes: 180 }],
    });
  });

  test("a job recorded before time entries: its time counts on the day it was done, as before", () => {
    const state: RecordedState = {
      ...base,
      outcome: "rejected",
      time: { pipe: 0, jobs: 200 },
      commanded: {
        overrides: {},
        jobBoard: { by: "de-manager" },
        job: {
          taker: "jobs-dev",
          from: 20,
          estimate: 360,
          agreed: { by: "de-manager", at: "2026-10-05T09:00:00.000Z" },
          done: { by: "jobs-dev", at: "2026-11-20T16:00:00.000Z" },
        },
      },
    };
    expect(read(3, state)?.entries).toEqual([{ at: "2026-11-20T16:00:00.000Z", minutes: 180 }]);
    // The load report counts the same issue's time as jobs-board time, never pipe time: the 20
    // minutes before it was taken on the day it was opened, the job's 180 on the day it was done.
    const record = pipeRecord(REPO, issue(3), botComment(state), config, "sysadmin-pipe[bot]");
    const report = loadReport([record], Q4, config.registry, config.policy, Q4.end);
    expect(report.totals).toMatchObject({ pipeHours: 0, jobsHours: 3.33 });
    expect(loadReport([record], NOV, config.registry, config.policy, Q4.end).totals.jobsHours).toBe(
      3,
    );
  });
});

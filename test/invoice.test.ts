// The jobs board's invoice summary as pure rules: jobs delivered in a period, per developer and
// instance, with their agreed estimates and logged hours; never anything of the pipe.
import { jobRecord, pipeRecord } from "../src/report/pipe-records.js";
import { buildInvoice, invoiceCsv, renderInvoice, type JobRecord } from "../src/report/invoice.js";
import { loadReport } from "../src/report/load.js";
import { parsePeriod } from "../src/report/period.js";
import { encodeState } from "../src/triage/state.js";
import type { RecordedState } from "../src/triage/types.js";
import { shippedConfig } from "./helpers/config.js";

const config = shippedConfig();
const Q4 = parsePeriod("2026-Q4")!;
const REPO = "openfoodfoundation/ofn-install";

const job = (fields: Partial<JobRecord> & { number: number }): JobRecord => ({
  repo: REPO,
  title: `Job ${fields.number}`,
  url: `https://github.com/${REPO}/issues/${fields.number}`,
  instances: ["de"],
  developer: "jobs-dev",
  estimateMinutes: 360,
  agreed: { by: "de-manager", at: "2026-10-05T09:00:00.000Z" },
  doneAt: "2026-11-20T16:00:00.000Z",
  minutes: 150,
  ...fields,
});

const JOBS: JobRecord[] = [
  job({ number: 1 }),
  job({ number: 2, doneAt: "2026-12-01T10:00:00.000Z", minutes: 60 }),
  // Delivered for two instances: each is invoiced half the hours.
  job({ number: 3, instances: ["de", "ie"], minutes: 240 }),
  job({ number: 4, developer: "other-dev", instances: ["ie"], agreed: undefined }),
  // Delivered in the next quarter, and not delivered at all: not in Q4's invoice.
  job({ number: 5, doneAt: "2027-01-02T10:00:00.000Z" }),
  job({ number: 6, doneAt: undefined }),
];

describe("the invoice of a period", () => {
  const invoice = buildInvoice(JOBS, Q4, config.registry);

  test("per developer and instance, the jobs delivered in the period with their hours", () => {
    expect(
      invoice.groups.map((g) => [g.developer, g.instance, g.jobs.map((j) => j.number), g.hours]),
    ).toEqual([
      ["jobs-dev", "de", [1, 3, 2], 5.5],
      ["jobs-dev", "ie", [3], 2],
      ["other-dev", "ie", [4], 2.5],
    ]);
    expect(invoice.totals).toEqual({ jobs: 4, hours: 10 });
  });

  test("each job has its link, its agreed estimate and who agreed", () => {
    expect(invoice.groups[0]!.jobs[0]).toEqual({
      repo: REPO,
      number: 1,
      title: "Job 1",
      url: `https://github.com/${REPO}/issues/1`,
      estimateHours: 6,
      agreedBy: "de-manager",
      agreedAt: "2026-10-05T09:00:00.000Z",
      doneAt: "2026-11-20T16:00:00.000Z",
      hours: 2.5,
    });
  });

  test("--instance and --developer narrow it", () => {
    const ie = buildInvoice(JOBS, Q4, config.registry, { instance: "ie" });
    expect(ie.groups.map((g) => `${g.developer} ${g.instance}`)).toEqual([
      "jobs-dev ie",
      "other-dev ie",
    ]);
    const other = buildInvoice(JOBS, Q4, config.registry, { developer: "Other-Dev" });
    expect(other.totals).toEqual({ jobs: 1, hours: 2.5 });
  });

  test("the Markdown names each developer and instance, and says when an estimate was not agreed", () => {
    const md = renderInvoice(invoice);
    expect(md).toContain("# Jobs board invoices: 2026-Q4");
    expect(md).toContain("4 jobs, 10 jobs-board hours logged");
    expect(md).toContain("## jobs-dev: Germany");
    expect(md).toContain(
      `| [Job 1](<https://github.com/${REPO}/issues/1>) (ofn-install#1) | 6 | de-manager, 2026-10-05 | 2026-11-20 | 2.5 |`,
    );
    // Job 3 is shared with Ireland: half its estimate and hours are Germany's.
    expect(md).toContain("| **Total** | 15 |  |  | 5.5 |");
    expect(md).toContain("| **not agreed** |");
    expect(renderInvoice(buildInvoice([], Q4, config.registry))).toContain(
      "No jobs-board job was delivered in 2026-Q4.",
    );
  });

  test("the CSV has one row per job and instance; a title with a comma or quote is quoted", () => {
    const odd = buildInvoice([job({ number: 7, title: 'DNS, "urgent"' })], Q4, config.registry);
    expect(invoiceCsv(odd).split("\r\n")).toEqual([
      "period,developer,instance,repo,issue,title,url,estimate_hours,agreed_by,agreed_at,done_at,hours",
      `2026-Q4,jobs-dev,de,${REPO},7,"DNS, ""urgent""",https://github.com/${REPO}/issues/7,6,de-manager,2026-10-05T09:00:00.000Z,2026-11-20T16:00:00.000Z,2.5`,
      "",
    ]);
  });
});

test("a title written as a spreadsheet formula stays text in the CSV", () => {
  const sly = buildInvoice(
    [job({ number: 8, title: '=HYPERLINK("https://evil.example","pay")' })],
    Q4,
    config.registry,
  );
  const row = invoiceCsv(sly).split("\r\n")[1]!;
  expect(row).toContain(`"'=HYPERLINK(""https://evil.example"",""pay"")"`);
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

  test("a pipe request has no job: nothing of the pipe reaches the invoice", () => {
    const pipe = { ...base, outcome: "accepted" as const, time: { pipe: 300, jobs: 0 } };
    expect(
      jobRecord(REPO, issue(1), botComment(pipe), config, "sysadmin-pipe[bot]"),
    ).toBeUndefined();
  });

  test("a delivered job: its developer, estimate, agreement, date and the time logged on it", () => {
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
    expect(jobRecord(REPO, issue(2), botComment(state), config, "sysadmin-pipe[bot]")).toEqual({
      repo: REPO,
      number: 2,
      title: "Issue 2",
      url: `https://github.com/${REPO}/issues/2`,
      instances: ["de"],
      developer: "jobs-dev",
      estimateMinutes: 360,
      agreed: { by: "de-manager", at: "2026-10-05T09:00:00.000Z" },
      doneAt: "2026-11-20T16:00:00.000Z",
      minutes: 180,
    });
    // The load report still counts the same issue's time as jobs-board time, never pipe time.
    const report = loadReport(
      [pipeRecord(REPO, issue(2), botComment(state), config, "sysadmin-pipe[bot]")],
      Q4,
      config.registry,
      config.policy,
    );
    expect(report.totals).toMatchObject({ pipeHours: 0, jobsHours: 3.33 });
  });
});

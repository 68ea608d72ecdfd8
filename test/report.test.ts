// The load report: figures on a small pipe worked out by hand, the Markdown and Mermaid it
// prints, and the same figures read from (mocked, schema-checked) GitHub.
import nock from "nock";
import { main, type Io } from "../src/cli/main.js";
import { nextState } from "../src/triage/state.js";
import { loadReport, renderLoadReport, type PipeRecord } from "../src/report/load.js";
import { parsePeriod, periodBetween } from "../src/report/period.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import { shippedConfig } from "./helpers/config.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API } from "./helpers/probot.js";

const { registry, policy } = shippedConfig();
const Q4 = parsePeriod("2026-Q4")!;
/** When the reports below are read: after the quarter. */
const NOW = new Date("2027-01-15T00:00:00Z");

const base = {
  repo: "openfoodfoundation/ofn-install",
  title: "x",
  jobBoard: false,
  entries: [],
};
/** A `/spent` by a developer, dated. */
const spent = (minutes: number, at: string, bucket: "pipe" | "jobs" = "pipe", by = "dev") => ({
  by,
  at,
  minutes,
  bucket,
});
/** A small pipe; the expected figures below are worked out by hand. */
const PIPE: PipeRecord[] = [
  // First second of the quarter: in. S0, answered after 20 minutes, 1h30 logged.
  {
    ...base,
    number: 1,
    createdAt: "2026-10-01T00:00:00Z",
    instances: ["uk"],
    severity: "S0",
    size: "S",
    category: "outage",
    outcome: "accepted",
    entries: [spent(90, "2026-10-01T00:00:00Z")],
    firstResponseAt: "2026-10-01T00:20:00Z",
  },
  // Last second of the quarter: in.
  {
    ...base,
    number: 2,
    createdAt: "2026-12-31T23:59:59Z",
    instances: ["uk"],
    severity: "S2",
    size: "M",
    category: "dns",
    outcome: "accepted",
  },
  // First second of the next quarter, last second of the one before: out.
  {
    ...base,
    number: 3,
    createdAt: "2027-01-01T00:00:00Z",
    instances: ["fr"],
    severity: "S1",
    size: "S",
    category: "email",
    outcome: "accepted",
    entries: [spent(600, "2027-01-01T00:00:00Z")],
  },
  {
    ...base,
    number: 6,
    createdAt: "2026-09-30T23:59:59Z",
    instances: ["fr"],
    severity: "S1",
    size: "S",
    category: "email",
    outcome: "accepted",
    entries: [spent(600, "2026-09-30T23:59:59Z")],
  },
  // On the jobs board: 2h of paid time, never pipe time.
  {
    ...base,
    number: 4,
    createdAt: "2026-11-05T10:00:00Z",
    instances: ["be"],
    severity: "S3",
    size: "L",
    category: "website",
    outcome: "rejected",
    jobBoard: true,
    entries: [spent(120, "2026-11-05T10:00:00Z", "jobs")],
  },
  // Two instances share one request (and its hour).
  {
    ...base,
    number: 5,
    createdAt: "2026-11-10T10:00:00Z",
    instances: ["fr", "be"],
    severity: "S1",
    size: "S",
    category: "email",
    outcome: "accepted",
    entries: [spent(60, "2026-11-10T10:00:00Z")],
  },
];

describe("periods", () => {
  test("quarters, months and date ranges have exact boundaries", () => {
    expect(Q4).toMatchObject({
      start: new Date("2026-10-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
    expect(parsePeriod("2026-02")).toMatchObject({
      start: new Date("2026-02-01T00:00:00Z"),
      end: new Date("2026-03-01T00:00:00Z"),
    });
    expect(periodBetween("2026-10-01", "2026-10-31")?.end).toEqual(
      new Date("2026-11-01T00:00:00Z"),
    );
    expect(parsePeriod("2026-Q5")).toBeUndefined();
    expect(parsePeriod("2026-13")).toBeUndefined();
    expect(periodBetween("2026-10-31", "2026-10-01")).toBeUndefined();
  });
});

describe("the load report", () => {
  const report = loadReport(PIPE, Q4, registry, policy, NOW);

  test("per instance: requests, severities, sizes, outcomes, estimated and logged hours", () => {
    const by = Object.fromEntries(report.instances.map((l) => [l.code, l]));
    expect(report.instances.map((l) => l.code)).toEqual(["be", "uk", "fr"]);
    expect(by.uk).toMatchObject({
      requests: 2,
      bySeverity: { S0: 1, S1: 0, S2: 1, S3: 0 },
      bySize: { XS: 0, S: 1, M: 1, L: 0 },
      accepted: 2,
      rejected: 0,
      jobsBoard: 0,
      estimatedHours: 13, // S 3h + M 10h
      pipeHours: 1.5,
      jobsHours: 0,
    });
    expect(by.be).toMatchObject({
      requests: 2,
      accepted: 1,
      jobsBoard: 1,
      estimatedHours: 1.5,
      pipeHours: 0.5,
      jobsHours: 2,
    });
    expect(by.fr).toMatchObject({
      requests: 1,
      accepted: 1,
      estimatedHours: 1.5,
      pipeHours: 0.5,
      jobsHours: 0,
    });
  });

  test("totals count a shared request once, and keep jobs-board hours apart", () => {
    expect(report.totals).toMatchObject({
      requests: 4,
      accepted: 3,
      rejected: 0,
      jobsBoard: 1,
      estimatedHours: 16,
      pipeHours: 2.5,
      jobsHours: 2,
    });
    expect(report.s0).toEqual({ count: 1, medianFirstResponseMinutes: 20, unanswered: 0 });
    expect(report.categories).toEqual([
      { category: "dns", requests: 1 },
      { category: "email", requests: 1 },
      { category: "outage", requests: 1 },
      { category: "website", requests: 1 },
    ]);
  });

  test("the Markdown has the table, the totals and Mermaid blocks in valid syntax", () => {
    const md = renderLoadReport(report);
    expect(md).toContain("# Sysadmin pipe load: 2026-Q4");
    expect(md).toContain(
      "Jobs-board hours logged: 2, paid extra work, not counted against the pipe.",
    );
    expect(md).toContain(
      "| **Total** |  | 4 | 1 / 1 / 1 / 1 | 0 / 2 / 1 / 1 | 3 | 0 | 1 | 16 | 2.5 | 2 |",
    );
    expect(md).toContain("1 S0 requests; median time to first response: 20 minutes.");
    const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(mermaidProblems(block)).toEqual([]);
    // Every table row has its header's columns.
    const tables = md.split("\n\n").filter((block) => block.startsWith("| "));
    expect(tables).toHaveLength(2); // the load, the developers' hours
    for (const table of tables) {
      const [header, ...rows] = table.trimEnd().split("\n");
      const cells = (line: string) => line.split(/(?<!\\)\|/).length;
      for (const r of rows) expect(cells(r)).toBe(cells(header!));
    }
  });
});

/** The subset of Mermaid the report writes (pie, xychart-beta), checked line by line. */
function mermaidProblems(block: string): string[] {
  const [head, ...rest] = block.trimEnd().split("\n");
  const problems: string[] = [];
  if (/^pie title [^\n"]+$/.test(head!)) {
    for (const line of rest)
      if (!/^\s+"[^"\n]+" : \d+(\.\d+)?$/.test(line)) problems.push(`pie line: ${line}`);
  } else if (head === "xychart-beta") {
    const allowed = [
      /^\s+title "[^"]*"$/,
      /^\s+x-axis \[("[^"]+"(, )?)+\]$/,
      /^\s+y-axis "[^"]*"$/,
      /^\s+bar \[(\d+(\.\d+)?(, )?)+\]$/,
    ];
    for (const line of rest)
      if (!allowed.some((re) => re.test(line))) problems.push(`xychart line: ${line}`);
    const counts = rest
      .filter((l) => /x-axis|bar/.test(l))
      .map((l) => (l.match(/,/g)?.length ?? 0) + 1);
    if (new Set(counts).size !== 1) problems.push("bars and x-axis differ in length");
  } else problems.push(`unknown diagram: ${head}`);
  return problems;
}

describe("hours by the date they were logged", () => {
  const old: PipeRecord = {
    ...base,
    number: 7,
    createdAt: "2026-09-15T10:00:00Z",
    instances: ["uk", "fr"],
    severity: "S2",
    size: "M",
    category: "dns",
    outcome: "accepted",
    entries: [spent(60, "2026-09-20T10:00:00Z"), spent(90, "2026-10-02T10:00:00Z")],
  };

  test("a request opened before the period counts its hours logged in it, not as a request", () => {
    const report = loadReport([old], Q4, registry, policy, NOW);
    expect(report.totals).toMatchObject({ requests: 0, pipeHours: 1.5 });
    expect(report.instances.map((l) => [l.code, l.requests, l.pipeHours])).toEqual([
      ["fr", 0, 0.75],
      ["uk", 0, 0.75],
    ]);
  });

  test("with a cost per pipe hour, each instance's hours are costed, and the total adds up", () => {
    const costed = { ...policy, pipe_hour_cost: { amount: 60.01, currency: "EUR" } };
    const report = loadReport([old], Q4, registry, costed, NOW);
    // 45 minutes at 60.01 is 45.0075: each share rounds to 45.01, and the total is their sum.
    expect(report.instances.map((l) => l.pipeCost)).toEqual([
      { minor: 4501, currency: "EUR" },
      { minor: 4501, currency: "EUR" },
    ]);
    expect(report.totals.pipeCost).toEqual({ minor: 9002, currency: "EUR" });
    expect(renderLoadReport(report)).toContain("the pipe's support cost 90.02 EUR");
  });

  test("a developer's month is flagged when pipe hours fall below their usual while jobs hours rise", () => {
    const dev = (entries: PipeRecord["entries"]): PipeRecord => ({
      ...base,
      number: 8,
      createdAt: "2026-06-01T00:00:00Z",
      instances: ["uk"],
      entries,
    });
    const month = (m: string, pipe: number, jobs: number) => [
      spent(pipe * 60, `2026-${m}-10T10:00:00Z`),
      spent(jobs * 60, `2026-${m}-11T10:00:00Z`, "jobs"),
    ];
    const steady = dev([...month("07", 10, 0), ...month("08", 12, 0), ...month("09", 8, 2)]);
    const rows = (october: [number, number]) =>
      loadReport(
        [{ ...steady, entries: [...steady.entries, ...month("10", ...october)] }],
        parsePeriod("2026-10")!,
        registry,
        policy,
        NOW,
      ).developers;
    // Usual pipe: the median of 10, 12 and 8 hours; usual jobs: of 0, 0 and 2.
    expect(rows([6, 5])).toEqual([
      {
        developer: "dev",
        month: "2026-10",
        pipeHours: 6,
        jobsHours: 5,
        usual: { pipeHours: 10, jobsHours: 0 },
        flagged: true,
      },
    ]);
    expect(rows([10, 5])[0]!.flagged).toBe(false); // pipe held
    expect(rows([6, 0])[0]!.flagged).toBe(false); // jobs did not rise: a quiet month
  });
});

describe("sysadmin-pipe report, reading GitHub", () => {
  const gh = installGitHubSchemaCheck();
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  checkAfterEachTest(gh);

  test("reads the pipe's issues and bot comments in one page each and prints the report", async () => {
    const plan = decide(
      { repo: "openfoodfoundation/ofn-install", title: "UK IS ON FIRE", body: "", labels: [] },
      registry,
      policy,
    );
    // The clock of uk's full-tier hour, answered after 12 minutes (as the bot comment records it).
    const response = {
      severity: "S0" as const,
      tier: "full" as const,
      startedAt: "2026-11-02T08:00:05.000Z",
      dueAt: "2026-11-02T09:00:05.000Z",
      respondedAt: "2026-11-02T08:12:00.000Z",
      respondedBy: "sysadmin-dev",
      escalated: [],
    };
    const state = {
      ...nextState(plan, { labels: [] }, "d"),
      time: { pipe: 45, jobs: 0 },
      response,
    };
    const issue = {
      number: 9,
      title: "UK IS ON FIRE",
      created_at: "2026-11-02T08:00:00Z",
      labels: plan.labels.map((name) => ({ name })),
      user: { login: "uk-manager" },
    };
    const url = (n: number) => `${API}/repos/openfoodfoundation/ofn-install/issues/${n}`;
    gh.watch(nock(API))
      .get("/repos/openfoodfoundation/ofn-install/issues")
      .query({
        state: "all",
        labels: "sysadmin-pipe",
        // Three months before the quarter: the developers' table compares each month with those.
        since: "2026-07-01T00:00:00.000Z",
        per_page: 100,
      })
      .reply(200, [issue, { ...issue, number: 10, created_at: "2026-09-01T00:00:00Z" }])
      .get("/repos/openfoodfoundation/ofn-install/issues/comments")
      .query({ since: "2026-07-01T00:00:00.000Z", per_page: 100 })
      .reply(200, [
        {
          issue_url: url(9),
          body: renderComment(plan, state, registry),
          created_at: "2026-11-02T08:00:05Z",
          user: { login: "sysadmin-pipe[bot]", type: "Bot" },
        },
        {
          issue_url: url(9),
          body: "On it.",
          created_at: "2026-11-02T08:12:00Z",
          user: { login: "sysadmin-dev", type: "User" },
        },
      ]);
    const out: string[] = [];
    const io: Io = {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: () => "",
      env: { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: API },
    };

    expect(await main(["report", "--period", "2026-Q4", "--json"], io)).toBe(0);

    const report = JSON.parse(out.join(""));
    expect(report.totals).toMatchObject({
      requests: 1,
      accepted: 1,
      pipeHours: 0.75,
      jobsHours: 0,
    });
    expect(report.instances[0]).toMatchObject({ code: "uk", bySeverity: { S0: 1 } });
    expect(report.s0).toEqual({ count: 1, medianFirstResponseMinutes: 12, unanswered: 0 });
    expect(report.promises).toEqual([
      {
        tier: "full",
        severity: "S0",
        promised: "1h",
        met: 1,
        missed: 0,
        open: 0,
        medianMinutesToResponse: 12,
      },
    ]);
  });

  test("a period it cannot read is explained", async () => {
    const out: string[] = [];
    const io: Io = {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: () => "",
      env: {},
    };
    expect(await main(["report", "--period", "last quarter"], io)).toBe(2);
    expect(out.join("")).toContain("Say which period: --period 2026-Q4");
  });
});

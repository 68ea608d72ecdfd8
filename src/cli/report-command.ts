// `sysadmin-pipe report`: the load report for a period, read from GitHub with a token; `--post`
// keeps one report issue per period up to date in reports.repo.
import { readFrom } from "../report/developer-hours.js";
import { loadReport, renderLoadReport } from "../report/load.js";
import { parsePeriod, periodBetween, type Period } from "../report/period.js";
import { readPipe } from "../github/pipe-read.js";
import { UsageError, type Context } from "./command.js";
import { postPeriodIssue } from "./period-issue.js";
import { tokenClient } from "./token-client.js";

type ReportValues = {
  period?: string;
  since?: string;
  until?: string;
  json?: boolean;
  post?: boolean;
};

/** The period the options name (--period, or --since with --until), as `report` reads it. */
export function periodOf(values: Pick<ReportValues, "period" | "since" | "until">): Period {
  const period = values.period
    ? parsePeriod(values.period)
    : values.since && values.until
      ? periodBetween(values.since, values.until)
      : undefined;
  if (period) return period;
  throw new UsageError(
    "Say which period: --period 2026-Q4, --period 2026-11, or --since 2026-10-01 --until 2026-12-31.",
  );
}

export async function reportCommand({
  values,
  io,
  config: shipped,
}: Context<ReportValues>): Promise<number> {
  const period = periodOf(values);
  const client = await tokenClient(shipped(), io);
  if (!client) {
    io.stderr("Set GITHUB_TOKEN to a token that can read the watched repositories' issues.\n");
    return 2;
  }
  const { github, live, appLogin, executor, log } = client;
  const { registry, policy } = live.config;
  // From three months earlier: the developers' table compares each month with the ones before.
  const records = await readPipe(github, live.config, readFrom(period), appLogin);
  const report = loadReport(records, period, registry, policy, new Date());
  const markdown = renderLoadReport(report);
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : markdown);
  if (!values.post) return 0;
  return postPeriodIssue(github, executor(github, undefined, { log, policy }), policy, io, {
    kind: "report",
    what: "report issue",
    label: policy.reports.report_label,
    title: `Sysadmin pipe load: ${period.label}`,
    period: period.label,
    markdown,
  });
}

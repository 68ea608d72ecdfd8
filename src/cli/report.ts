// `sysadmin-pipe report`: the load report for a period, read from GitHub with a token; `--post`
// keeps one report issue per period up to date in reports.repo.
import { parseArgs } from "node:util";
import type { TriageConfig } from "../config.js";
import { upsertTrackingIssue } from "../github/tracking-issues.js";
import { loadReport, renderLoadReport } from "../report/load.js";
import { parsePeriod, periodBetween } from "../report/period.js";
import { readPipe } from "../report/read.js";
import { tokenClient, type TokenIo } from "./token-client.js";

export async function reportCommand(
  args: string[],
  shipped: TriageConfig,
  io: TokenIo,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      period: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      json: { type: "boolean" },
      post: { type: "boolean" },
      registry: { type: "string" },
      policy: { type: "string" },
    },
  });
  const period = values.period
    ? parsePeriod(values.period)
    : values.since && values.until
      ? periodBetween(values.since, values.until)
      : undefined;
  if (!period) {
    io.stderr(
      "Say which period: --period 2026-Q4, --period 2026-11, or --since 2026-10-01 --until 2026-12-31.\n",
    );
    return 2;
  }
  const client = await tokenClient(shipped, io);
  if (!client) {
    io.stderr("Set GITHUB_TOKEN to a token that can read the watched repositories' issues.\n");
    return 2;
  }
  const { github, live } = client;
  const { config } = live;
  const report = loadReport(
    await readPipe(github, config, period),
    period,
    config.registry,
    config.policy,
  );
  const markdown = renderLoadReport(report);
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : markdown);
  if (!values.post) return 0;
  const repo = config.policy.reports.repo;
  if (!repo) {
    io.stderr("Set reports.repo in the policy to post the report.\n");
    return 2;
  }
  const result = await upsertTrackingIssue(
    github,
    repo,
    {
      label: config.policy.reports.report_label,
      marker: `<!-- sysadmin-pipe:report ${period.label} -->`,
      title: `Sysadmin pipe load: ${period.label}`,
      body: markdown,
    },
    { update: true, dryRun: false },
  );
  io.stderr(
    `report issue for ${period.label}: ${result.action}${"number" in result ? ` #${result.number}` : ""}\n`,
  );
  return 0;
}

// `--post` of the period's summaries (the load report, the jobs-board invoices): one issue per
// period in reports.repo, found by its hidden marker and updated in place, never a second one.
import type { Policy } from "../registry/policy.js";
import type { GitHub } from "../github/client-types.js";
import type { Executor } from "../github/executor.js";
import { findTrackingIssue } from "../github/tracking-issues.js";
import type { CommandIo } from "./command.js";

export interface PeriodIssue {
  /** Marker word: `<!-- sysadmin-pipe:<kind> <period> -->`. */
  kind: "report" | "invoice";
  /** What the issue is, for the line printed on stderr. */
  what: string;
  label: string;
  title: string;
  period: string;
  markdown: string;
}

/** Post (or update) the period's issue; the exit code. */
export async function postPeriodIssue(
  github: GitHub,
  act: Executor,
  policy: Policy,
  io: CommandIo,
  issue: PeriodIssue,
): Promise<number> {
  if (!policy.reports.repo) {
    io.stderr(`Set REPORTS_REPO (or reports.repo in the policy) to post the ${issue.what}.\n`);
    return 2;
  }
  const found = await findTrackingIssue(
    github,
    policy.reports.repo,
    {
      label: issue.label,
      marker: `<!-- sysadmin-pipe:${issue.kind} ${issue.period} -->`,
      title: issue.title,
      body: issue.markdown,
    },
    { update: true },
  );
  const result = await act.trackingIssue(found);
  const number = "number" in result ? ` #${result.number}` : "";
  io.stderr(`${issue.what} for ${issue.period}: ${result.action}${number}\n`);
  return 0;
}

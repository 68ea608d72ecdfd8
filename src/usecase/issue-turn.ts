// An issue in its turn (its lock held): a tier application or review is the circle's (see
// tier-application.ts); anything else is a sysadmin request (see triage-issue.ts). The one entry
// point for issue events, commands and the sweep.
import type { CurrentIssue } from "../triage/issue-writes.js";
import type { ApplyOptions, IssueData, IssueJob } from "./issue-job.js";
import { handleTierIssue, isTierIssue } from "./tier-application.js";
import { decideAndApply } from "./triage-issue.js";

export async function handleIssue(
  job: IssueJob,
  issue: IssueData,
  current: CurrentIssue,
  options: ApplyOptions = {},
): Promise<void> {
  if (isTierIssue(issue, current.labels, job.config)) {
    await handleTierIssue(job, issue, current, options);
    return;
  }
  await decideAndApply(job, issue, current, options);
}

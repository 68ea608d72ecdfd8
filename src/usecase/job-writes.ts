// The issue's own side of a jobs-board job: the developer who took it is assigned (the one who
// gave it back is unassigned), and a delivered job closes its issue. Applied after the commands
// are decided and before the bot comment records them: if a write fails, the comment is not
// marked handled, so the retry does it again instead of never.
import { hasJobWrites, jobWrites, type Job } from "../triage/job.js";
import type { IssueData, IssueJob } from "./issue-job.js";

/** Make the issue follow the job's change from `before` to `after`; the issue as it now is. */
export async function applyJobChanges(
  job: IssueJob,
  issue: IssueData,
  before: Job | undefined,
  after: Job | undefined,
): Promise<IssueData> {
  const writes = jobWrites(before, after);
  if (!hasJobWrites(writes)) return issue;
  await job.act.apply([
    ...(writes.unassign ? [{ kind: "unassign" as const, login: writes.unassign }] : []),
    ...(writes.assign ? [{ kind: "assign" as const, login: writes.assign }] : []),
    ...(writes.close ? [{ kind: "close" as const, reason: "completed" as const }] : []),
  ]);
  if (!writes.close) return issue;
  job.log.info({ issue: `${job.repo}#${job.ref.issue_number}` }, "job done: issue closed");
  return { ...issue, state: "closed" };
}

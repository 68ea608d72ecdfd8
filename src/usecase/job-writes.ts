// The issue's own side of a jobs-board job: the developer who took it is assigned (the one who
// gave it back is unassigned), and a delivered job closes its issue. Called after the commands
// are decided and before the bot comment records them: if a write fails, the comment is not
// marked handled, so the retry does it again instead of never.
import { addAssignee, closeIssue, removeAssignee } from "../github/issue-api.js";
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
  const where = `${job.repo}#${job.ref.issue_number}`;
  if (job.dryRun) {
    job.log.info({ issue: where, ...writes, dryRun: true }, "dry run: job changes not written");
    return issue;
  }
  if (writes.unassign) await removeAssignee(job.github, job.ref, writes.unassign);
  if (writes.assign && !(await addAssignee(job.github, job.ref, writes.assign))) {
    job.log.warn(
      { issue: where, login: writes.assign },
      "GitHub did not assign the job's developer: it assigns only people with access to the repository",
    );
  }
  if (!writes.close) return issue;
  const closed = await closeIssue(job.github, job.ref);
  job.log.info({ issue: where }, "job done: issue closed");
  return { ...issue, state: closed.state };
}

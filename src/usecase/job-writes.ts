// The issue's own side of a jobs-board job: the developer who took it is assigned (the one who
// gave it back is unassigned), and a delivered job closes its issue. Applied after the commands
// are decided and before the bot comment records them: if a write fails, the comment is not
// marked handled, so the retry does it again instead of never.
import { instanceOf } from "../registry/schema.js";
import { hasJobWrites, jobWrites, type Job } from "../triage/job.js";
import { jobMinutes } from "../triage/time-log.js";
import type { RecordedState } from "../triage/types.js";
import type { IssueData, IssueJob } from "./issue-job.js";

/** The managers of the instances that agreed to pay for the job, as the registry names them. */
function managersOf(job: IssueJob, agreed: Job["agreed"]): string[] {
  const codes = agreed?.instances ?? [];
  return [...new Set(codes.flatMap((c) => instanceOf(job.config.registry, c)?.managers ?? []))];
}

/**
 * Make the issue follow the job's change from `before` to `after` (in the state `after` is
 * part of); the issue as it now is.
 */
export async function applyJobChanges(
  job: IssueJob,
  issue: IssueData,
  before: Job | undefined,
  after: Job | undefined,
  state: RecordedState,
): Promise<IssueData> {
  const reached = after
    ? { managers: managersOf(job, after.agreed), logged: jobMinutes(after, state) }
    : undefined;
  const writes = jobWrites(before, after, reached);
  if (!hasJobWrites(writes)) return issue;
  await job.act.apply([
    ...(writes.reached ? [{ kind: "note" as const, body: writes.reached }] : []),
    ...(writes.unassign ? [{ kind: "unassign" as const, login: writes.unassign }] : []),
    ...(writes.assign ? [{ kind: "assign" as const, login: writes.assign }] : []),
    ...(writes.close ? [{ kind: "close" as const, reason: "completed" as const }] : []),
  ]);
  if (!writes.close) return issue;
  job.log.info({ issue: `${job.repo}#${job.ref.issue_number}` }, "job done: issue closed");
  return { ...issue, state: "closed" };
}

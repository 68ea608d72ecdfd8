// issues.opened / edited / reopened / closed: read the issue, decide, make GitHub match.
import type { Context } from "probot";
import { findBotComment } from "../github/bot-comment.js";
import { readIssue } from "../github/issue-api.js";
import { decodeState } from "../triage/state.js";
import {
  decideAndApply,
  issueJobFor,
  oneAtATime,
  labelNames,
  type AppDeps,
  type IssueData,
  type IssueJob,
} from "../usecase/triage-issue.js";

type IssueEvent = "issues.opened" | "issues.edited" | "issues.reopened" | "issues.closed";

export async function triageIssueEvent(context: Context<IssueEvent>, deps: AppDeps): Promise<void> {
  const job = await issueJobFor(context, deps);
  if (!job) return;
  await oneAtATime(job, () => triage(job, context.payload.action, context.payload.issue));
}

async function triage(job: IssueJob, action: string, payloadIssue: IssueData): Promise<void> {
  const { github, ref } = job;
  const comment = await findBotComment(github, ref);
  const previous = comment ? decodeState(comment.body) : undefined;
  if (previous?.deliveries?.includes(job.deliveryId)) {
    job.log.info(
      { delivery: job.deliveryId, issue: `${job.repo}#${ref.issue_number}` },
      "re-delivery already applied",
    );
    return;
  }
  // A payload can be stale (events arrive out of order, or are redelivered later): once the
  // app has written to an issue, read it fresh. A first "opened" is as fresh as it gets.
  const issue: IssueData =
    comment || action !== "opened" ? await readIssue(github, ref) : payloadIssue;
  await decideAndApply(job, issue, { labels: labelNames(issue), comment, previous });
}

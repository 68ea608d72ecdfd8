// issues.opened / edited / reopened / closed: queue the event; when its turn comes, read the
// issue, decide, make GitHub match.
import type { Context } from "probot";
import { readIssue } from "../github/issue-api.js";
import { decide } from "../triage/decide.js";
import { decodeState } from "../triage/state.js";
import { handleIssue } from "../usecase/issue-turn.js";
import {
  issueJobFor,
  labelNames,
  placeOf,
  toInput,
  type IssueData,
  type IssueJob,
  botCommentOf,
} from "../usecase/issue-job.js";
import { itemFor, submit, type IssueTask, type RunItem, type WorkDeps } from "./work-items.js";

type IssueEvent = "issues.opened" | "issues.edited" | "issues.reopened" | "issues.closed";

/** The fields triage reads, so a queued item stays small. */
export function slimIssue(issue: IssueData): IssueData {
  return {
    node_id: issue.node_id,
    title: issue.title,
    state: issue.state,
    body: issue.body,
    html_url: issue.html_url,
    labels: labelNames(issue).map((name) => ({ name })),
    user: issue.user ? { login: issue.user.login } : null,
  };
}

/** An open issue the text already makes an accepted S0 goes ahead of the queue. */
function urgent(job: IssueJob, issue: IssueData): boolean {
  if (issue.state === "closed") return false;
  const input = toInput(job.repo, job.ref.issue_number, issue, { labels: labelNames(issue) });
  const plan = decide(input, job.config.registry, job.config.policy);
  return plan.severity === "S0" && plan.outcome === "accepted";
}

export async function queueIssueEvent(
  context: Context<IssueEvent>,
  deps: WorkDeps,
  run: RunItem,
): Promise<void> {
  const place = placeOf(context);
  const job = await issueJobFor(place, deps);
  if (!job) return;
  const task: IssueTask = {
    kind: "issue",
    deliveryId: place.deliveryId,
    repo: place.repo,
    number: place.number,
    installation: place.installation,
    action: context.payload.action,
    issue: slimIssue(context.payload.issue as IssueData),
  };
  await submit(itemFor(task, urgent(job, task.issue)), deps, run, context.octokit);
}

/** The queued event's turn (the issue's lock is held). */
export async function runIssueTask(job: IssueJob, task: IssueTask): Promise<void> {
  const { github, ref } = job;
  const comment = await botCommentOf(job);
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
    comment || task.action !== "opened" ? await readIssue(github, ref) : task.issue;
  await handleIssue(job, issue, { labels: labelNames(issue), comment, previous });
}

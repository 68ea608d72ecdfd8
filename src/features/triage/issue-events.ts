// Triage: issues.opened / edited / reopened / closed, and a person's label change, become queued
// work; in its turn the issue is read, decided and made to match (usecase/issue-turn.ts: a
// request, or a tier issue).
import type { Context } from "probot";
import { readIssue } from "../../github/issue-api.js";
import { decide } from "../../triage/decide.js";
import { decodeState } from "../../triage/state.js";
import { handleIssue } from "../../usecase/issue-turn.js";
import {
  botCommentOf,
  issueJobFor,
  labelNames,
  placeFor,
  placeOf,
  slimIssue,
  toInput,
  type IssueData,
  type IssueJob,
} from "../../usecase/issue-job.js";
import type { Feature, FeatureDeps, Queued } from "../feature.js";
import type { IssueTask } from "../tasks.js";

type IssueEvent =
  | "issues.opened"
  | "issues.edited"
  | "issues.reopened"
  | "issues.closed"
  | "issues.labeled"
  | "issues.unlabeled";

/** An open issue the text already makes an accepted S0 goes ahead of the queue. */
function urgent(job: IssueJob, issue: IssueData): boolean {
  if (issue.state === "closed") return false;
  const input = toInput(job.repo, job.ref.issue_number, issue, { labels: labelNames(issue) });
  const plan = decide(input, job.config.registry, job.config.policy);
  return plan.severity === "S0" && plan.outcome === "accepted";
}

async function receive(
  context: Context<IssueEvent>,
  deps: FeatureDeps,
): Promise<Queued | undefined> {
  // A label the app set itself changes nothing it decided; a person's label is an override.
  const labelChange = /labeled$/.test(context.payload.action);
  if (labelChange && context.payload.sender?.login === (await deps.appLogin())) return undefined;
  const place = placeOf(context);
  const job = await issueJobFor(place, deps);
  if (!job) return undefined;
  const task: IssueTask = {
    kind: "issue",
    deliveryId: place.deliveryId,
    repo: place.repo,
    number: place.number,
    installation: place.installation,
    action: context.payload.action,
    issue: slimIssue(context.payload.issue as IssueData),
  };
  return { task, urgent: urgent(job, task.issue) };
}

/** The queued event's turn (the issue's lease is held). */
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

export const triage: Feature = {
  name: "triage",
  receivers: [
    {
      events: [
        "issues.opened",
        "issues.edited",
        "issues.reopened",
        "issues.closed",
        "issues.labeled",
        "issues.unlabeled",
      ],
      receive: (context, deps) => receive(context as Context<IssueEvent>, deps),
    },
  ],
  runs: {
    issue: async (task, deps, octokit) => {
      const job = await issueJobFor(placeFor(task, octokit, deps.log), deps);
      if (job) await runIssueTask(job, task);
    },
  },
};

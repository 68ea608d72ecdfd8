// issues.opened / edited / reopened / closed: read the issue, decide, make GitHub match.
import type { Context } from "probot";
import { findBotComment } from "../github/comment.js";
import { withIssueLock } from "../github/issue-lock.js";
import { harden } from "../github/resilience.js";
import type { GitHub, IssueRef } from "../github/types.js";
import { decodeState } from "../triage/state.js";
import {
  decideAndApply,
  isWatched,
  labelNames,
  type AppDeps,
  type IssueData,
  type IssueJob,
} from "./pipeline.js";

type IssueEvent = "issues.opened" | "issues.edited" | "issues.reopened" | "issues.closed";

export async function triageIssueEvent(context: Context<IssueEvent>, deps: AppDeps): Promise<void> {
  const { payload } = context;
  const repo = payload.repository.full_name;
  const github = harden(context.octokit as GitHub, context.log);
  const installation = String(payload.installation?.id ?? "none");
  const { config, trusted } = await deps.config(github, installation);
  if (!isWatched(repo, config)) return;
  const ref: IssueRef = { ...context.repo(), issue_number: payload.issue.number };
  const job: IssueJob = {
    github,
    ref,
    repo,
    installation,
    deliveryId: context.id,
    config,
    trusted,
    deps,
    log: context.log,
  };
  await withIssueLock(`${repo}#${ref.issue_number}`.toLowerCase(), () =>
    triage(job, payload.action, payload.issue),
  );
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
    comment || action !== "opened" ? (await github.rest.issues.get({ ...ref })).data : payloadIssue;
  await decideAndApply(job, issue, { labels: labelNames(issue), comment, previous });
}

// issues.opened / edited / reopened: read the issue, decide, then make GitHub match the plan.
import type { Context } from "probot";
import type { TriageConfig } from "../config.js";
import { findBotComment } from "../github/comment.js";
import {
  applyWrites,
  hasWrites,
  nextState,
  planWrites,
  type CurrentIssue,
} from "../github/executor.js";
import { withIssueLock } from "../github/issue-lock.js";
import type { GitHub, IssueRef } from "../github/types.js";
import { renderComment } from "../triage/comment.js";
import { decide } from "../triage/decide.js";
import { decodeState } from "../triage/state.js";
import type { IssueInput } from "../triage/types.js";
import { instanceList } from "../registry/schema.js";

export interface AppDeps {
  /** The registry and policy in force right now. */
  config: () => TriageConfig;
  dryRun: boolean;
}

/** The repositories the app watches: the installer, the configured ones and instance repos. */
export function isWatched(repo: string, config: TriageConfig): boolean {
  const wanted = repo.toLowerCase();
  const watched = [
    config.policy.watch.install_repo,
    ...config.policy.watch.repos,
    ...instanceList(config.registry).flatMap((i) => i.repos ?? []),
  ];
  return watched.some((r) => r.toLowerCase() === wanted);
}

interface IssueData {
  title: string;
  body?: string | null;
  labels?: ({ name?: string } | string | null)[];
  user?: { login: string } | null;
}

function toInput(
  repo: string,
  number: number,
  issue: IssueData,
  current: CurrentIssue,
): IssueInput {
  return {
    repo,
    number,
    title: issue.title,
    body: issue.body ?? "",
    labels: current.labels,
    author: issue.user?.login,
    previous: current.previous,
  };
}

function labelNames(issue: IssueData): string[] {
  return (issue.labels ?? [])
    .map((l) => (typeof l === "string" ? l : (l?.name ?? "")))
    .filter(Boolean);
}

export async function triageIssueEvent(
  context: Context<"issues.opened" | "issues.edited" | "issues.reopened">,
  deps: AppDeps,
): Promise<void> {
  const { payload } = context;
  const repo = payload.repository.full_name;
  const config = deps.config();
  if (!isWatched(repo, config)) return;
  const ref: IssueRef = { ...context.repo(), issue_number: payload.issue.number };
  await withIssueLock(`${repo}#${ref.issue_number}`.toLowerCase(), () =>
    triage(
      context.octokit as GitHub,
      ref,
      repo,
      payload.action,
      payload.issue,
      context.id,
      config,
      deps,
      context.log,
    ),
  );
}

async function triage(
  github: GitHub,
  ref: IssueRef,
  repo: string,
  action: string,
  payloadIssue: IssueData,
  deliveryId: string,
  config: TriageConfig,
  deps: AppDeps,
  log: Context["log"],
): Promise<void> {
  const comment = await findBotComment(github, ref);
  const previous = comment ? decodeState(comment.body) : undefined;
  if (previous?.deliveries?.includes(deliveryId)) {
    log.info(
      { delivery: deliveryId, issue: `${repo}#${ref.issue_number}` },
      "re-delivery already applied",
    );
    return;
  }
  // A payload can be stale (events arrive out of order, or are redelivered later): once the
  // app has written to an issue, read it fresh. A first "opened" is as fresh as it gets.
  const issue: IssueData =
    comment || action !== "opened" ? (await github.rest.issues.get({ ...ref })).data : payloadIssue;
  const current: CurrentIssue = { labels: labelNames(issue), comment, previous };
  const plan = decide(
    toInput(repo, ref.issue_number, issue, current),
    config.registry,
    config.policy,
  );
  const state = nextState(plan, current, deliveryId);
  const writes = planWrites(
    plan,
    current,
    renderComment(plan, state, config.registry),
    config.policy,
  );
  const summary = {
    delivery: deliveryId,
    issue: `${repo}#${ref.issue_number}`,
    kind: plan.kind,
    instances: plan.instances,
    category: plan.category,
    severity: plan.severity,
    outcome: plan.outcome,
    add: writes.addLabels,
    remove: writes.removeLabels,
    comment: writes.comment.action,
  };
  if (deps.dryRun) {
    log.info({ ...summary, dryRun: true }, "dry run: plan computed, nothing written");
    return;
  }
  if (!hasWrites(writes)) {
    log.info(summary, "issue already matches the plan");
    return;
  }
  await applyWrites(github, ref, writes, current, config.policy, log);
  log.info(summary, "triage applied");
}

// issues.opened / edited / reopened: read the issue, decide, then make GitHub match the plan.
import type { Context } from "probot";
import type { TriageConfig } from "../config.js";
import { syncBoard } from "../github/board-sync.js";
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
  state?: string;
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

type IssueEvent = "issues.opened" | "issues.edited" | "issues.reopened" | "issues.closed";

export async function triageIssueEvent(context: Context<IssueEvent>, deps: AppDeps): Promise<void> {
  const { payload } = context;
  const repo = payload.repository.full_name;
  const config = deps.config();
  if (!isWatched(repo, config)) return;
  const ref: IssueRef = { ...context.repo(), issue_number: payload.issue.number };
  const run: TriageRun = {
    github: context.octokit as GitHub,
    ref,
    repo,
    action: payload.action,
    payloadIssue: payload.issue,
    deliveryId: context.id,
    installation: String(payload.installation?.id ?? "none"),
    config,
    dryRun: deps.dryRun,
    log: context.log,
  };
  await withIssueLock(`${repo}#${ref.issue_number}`.toLowerCase(), () => triage(run));
}

interface TriageRun {
  github: GitHub;
  ref: IssueRef;
  repo: string;
  action: string;
  payloadIssue: IssueData;
  deliveryId: string;
  installation: string;
  config: TriageConfig;
  dryRun: boolean;
  log: Context["log"];
}

async function triage(run: TriageRun): Promise<void> {
  const { github, ref, config, log } = run;
  const where = `${run.repo}#${ref.issue_number}`;
  const comment = await findBotComment(github, ref);
  const previous = comment ? decodeState(comment.body) : undefined;
  if (previous?.deliveries?.includes(run.deliveryId)) {
    log.info({ delivery: run.deliveryId, issue: where }, "re-delivery already applied");
    return;
  }
  // A payload can be stale (events arrive out of order, or are redelivered later): once the
  // app has written to an issue, read it fresh. A first "opened" is as fresh as it gets.
  const issue: IssueData =
    comment || run.action !== "opened"
      ? (await github.rest.issues.get({ ...ref })).data
      : run.payloadIssue;
  const current: CurrentIssue = { labels: labelNames(issue), comment, previous };
  const plan = decide(
    toInput(run.repo, ref.issue_number, issue, current),
    config.registry,
    config.policy,
  );
  const board = run.dryRun
    ? { record: previous?.board }
    : await syncBoard(
        {
          github,
          ref,
          config: config.policy.board,
          registry: config.registry,
          cacheKey: run.installation,
          log,
        },
        plan,
        issue.state === "closed" ? "closed" : "open",
        previous?.board,
      );
  const state = nextState(plan, current, run.deliveryId, board.record);
  const body = renderComment(plan, state, config.registry, board.note);
  const writes = planWrites(plan, current, body, config.policy);
  const summary = {
    delivery: run.deliveryId,
    issue: where,
    kind: plan.kind,
    instances: plan.instances,
    category: plan.category,
    severity: plan.severity,
    outcome: plan.outcome,
    add: writes.addLabels,
    remove: writes.removeLabels,
    comment: writes.comment.action,
  };
  if (run.dryRun) {
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

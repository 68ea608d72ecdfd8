// The one path from an issue to GitHub, shared by every handler: decide from the issue and its
// recorded state, then make the labels, the bot comment and the board card match the plan.
import { mention } from "../markup/inert.js";
import { watchedRepos, type TriageConfig } from "../config.js";
import { syncBoard, type BoardOutcome } from "../github/board-sync.js";
import {
  applyWrites,
  hasWrites,
  labelsToAdd,
  planWrites,
  type CurrentIssue,
} from "../github/executor.js";
import { gitHubClient } from "../github/client.js";
import { createComment } from "../github/issue-api.js";
import type { GitHub, IssueRef, Logger } from "../github/client-types.js";
import type { Chat } from "../notify/chat.js";
import type { Coordinator } from "../coordination/types.js";
import { assertLeaseHeld } from "../coordination/lease.js";
import { alertsFor, withAlerted } from "../triage/alerts.js";
import { nextState, readDigest } from "../triage/state.js";
import { renderComment } from "../triage/comment-text.js";
import { decide } from "../triage/decide.js";
import { holdRejection } from "../triage/hold.js";
import { labelStyle } from "../triage/label-names.js";
import { applyHourCaps, cappedInstances } from "../triage/caps.js";
import { hoursUsed } from "../github/cap-usage.js";
import type { LiveConfig } from "../github/live-config.js";
import type { IssueInput, TriagePlan } from "../triage/types.js";
import { handleTierIssue, isTierIssue } from "./tier-application.js";

export interface AppDeps {
  /** The registry and policy in force for an installation (read live when configured). */
  config: (github: GitHub, installation: string) => Promise<LiveConfig>;
  dryRun: boolean;
  /** The chat channel for S0 and jobs-board alerts, when configured. */
  chat?: Chat;
  /** Locks and claims shared by the replicas (or this process alone). */
  coordinator: Coordinator;
  /** The login the app's own comments are written by (`<slug>[bot]`), learnt from GitHub. */
  appLogin: () => Promise<string>;
}

/** Whether the app watches this repository (see watchedRepos). */
export function isWatched(repo: string, config: TriageConfig): boolean {
  const wanted = repo.toLowerCase();
  return watchedRepos(config).some((r) => r.toLowerCase() === wanted);
}

/** An issue as the REST API and webhook payloads describe it (the fields triage reads). */
export interface IssueData {
  /** The issue's GraphQL id. */
  node_id?: string;
  title: string;
  state?: string;
  body?: string | null;
  html_url?: string;
  labels?: ({ name?: string } | string | null)[];
  user?: { login: string } | null;
}

export function labelNames(issue: IssueData): string[] {
  return (issue.labels ?? [])
    .map((l) => (typeof l === "string" ? l : (l?.name ?? "")))
    .filter(Boolean);
}

export function toInput(
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

/** Everything a handler knows about the issue it is working on. */
export interface IssueJob {
  github: GitHub;
  ref: IssueRef;
  repo: string;
  installation: string;
  deliveryId: string;
  config: TriageConfig;
  /** False while the live registry is broken: nothing is rejected. */
  trusted: boolean;
  /** Plan and log, write nothing (the client refuses writes too). */
  dryRun: boolean;
  /** The chat channel for S0 and jobs-board alerts, when configured. */
  chat?: Chat;
  /** Locks shared with the other replicas (board placements take one). */
  coordinator?: Coordinator;
  /** The login the app's own comments are written by: no other bot's comment is trusted. */
  appLogin: string;
  log: Logger;
}

/** Where an event happened: enough to build its job now, or later from the queue. */
export interface EventPlace {
  /** An Octokit for the event's installation. */
  octokit: unknown;
  log: Logger;
  deliveryId: string;
  /** owner/name */
  repo: string;
  number: number;
  installation: string;
}

/** The event's place, from a webhook's context. */
export function placeOf(context: {
  id: string;
  octokit: unknown;
  log: Logger;
  payload: {
    repository: { full_name: string };
    installation?: { id: number };
    issue: { number: number };
  };
}): EventPlace {
  const { payload } = context;
  return {
    octokit: context.octokit,
    log: context.log,
    deliveryId: context.id,
    repo: payload.repository.full_name,
    number: payload.issue.number,
    installation: String(payload.installation?.id ?? "none"),
  };
}

/**
 * The job for an event on an issue, or undefined when the repository is not watched. Reads the
 * configuration in force (live when configured) with a GitHub client that rides out hiccups.
 */
export async function issueJobFor(place: EventPlace, deps: AppDeps): Promise<IssueJob | undefined> {
  const github = gitHubClient(place.octokit, { log: place.log, dryRun: deps.dryRun });
  const { config, trusted } = await deps.config(github, place.installation);
  if (!isWatched(place.repo, config)) return undefined;
  const [owner, repo] = place.repo.split("/") as [string, string];
  return {
    github,
    ref: { owner, repo, issue_number: place.number },
    repo: place.repo,
    installation: place.installation,
    deliveryId: place.deliveryId,
    config,
    trusted,
    dryRun: deps.dryRun,
    chat: deps.chat,
    coordinator: deps.coordinator,
    appLogin: await deps.appLogin(),
    log: place.log,
  };
}

/** The key events for one issue are serialised on, in every replica. */
export function issueKey(repo: string, number: number): string {
  return `${repo}#${number}`.toLowerCase();
}

/** Placements on one board take turns across replicas: each reads Ready, then places. */
const boardLock =
  (coordinator: Coordinator) =>
  <T>(board: string, work: () => Promise<T>) =>
    coordinator.withLock(`board:${board}`, work);

export interface ApplyOptions {
  /** Labels a command replaced: removed even though a person set them. */
  displace?: string[];
  /** The id of the comment whose commands were just handled. */
  seenComment?: number;
}

/** A new request that would take an instance over its tier's hour cap goes to the jobs board. */
export async function withHourCaps(
  job: IssueJob,
  plan: TriagePlan,
  previous: CurrentIssue["previous"],
): Promise<TriagePlan> {
  const { config } = job;
  // Only new requests are capped: one already accepted is never taken back by a later count.
  if (previous?.outcome === "accepted") return plan;
  const codes = cappedInstances(plan, config.registry, config.policy);
  if (!codes.length) return plan;
  const used = await hoursUsed(job.github, config, codes, {
    installation: job.installation,
    repo: job.repo,
    number: job.ref.issue_number,
    appLogin: job.appLogin,
  });
  return applyHourCaps(plan, used, config.registry, config.policy, previous?.commanded);
}

/**
 * Decide, then make GitHub match: labels, comment, board, alerts. Returns the plan; undefined for
 * a tier application or review, which the circle decides (see tier-application.ts).
 */
export async function decideAndApply(
  job: IssueJob,
  issue: IssueData,
  current: CurrentIssue,
  options: ApplyOptions = {},
): Promise<TriagePlan | undefined> {
  if (isTierIssue(issue, current.labels, job.config)) {
    await handleTierIssue(job, issue, current, options);
    return undefined;
  }
  const { github, ref, config, log } = job;
  const where = `${job.repo}#${ref.issue_number}`;
  const previous = current.previous;
  const decided = decide(
    toInput(job.repo, ref.issue_number, issue, current),
    config.registry,
    config.policy,
  );
  const capped = await withHourCaps(job, decided, previous);
  const plan = job.trusted ? capped : holdRejection(capped, config.policy);
  const board: BoardOutcome = job.dryRun
    ? { record: previous?.board }
    : await syncBoard(
        {
          github,
          ref,
          config: config.policy.board,
          registry: config.registry,
          cacheKey: job.installation,
          ...(job.coordinator ? { serialise: boardLock(job.coordinator) } : {}),
          ...(issue.node_id ? { issueId: issue.node_id } : {}),
          // A first filing adds the labels with the card: one spaced write fewer.
          labels: {
            names: labelsToAdd(plan, current),
            style: (name) => labelStyle(name, config.policy),
          },
          log,
        },
        plan,
        issue.state === "closed" ? "closed" : "open",
        previous?.board,
        previous?.time,
      );
  const link = {
    url: issue.html_url ?? `https://github.com/${job.repo}/issues/${ref.issue_number}`,
    title: issue.title,
  };
  const alerts = issue.state === "closed" ? [] : alertsFor(plan, previous, link, config.registry);
  const state = nextState(plan, current, {
    read: readDigest(issue, current.labels, previous?.applied),
    deliveryId: job.deliveryId,
    board: board.record,
    alerted: withAlerted(previous?.alerted, alerts),
    seenComment: options.seenComment,
  });
  const s0Team = config.policy.alerts.s0_team;
  const body = renderComment(plan, state, config.registry, { boardNote: board.note, s0Team });
  const writes = planWrites(plan, current, body, config.policy);
  writes.removeLabels.push(...(options.displace ?? []));
  const summary = {
    delivery: job.deliveryId,
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
  if (job.dryRun) {
    log.info({ ...summary, dryRun: true }, "dry run: plan computed, nothing written");
    return plan;
  }
  // Alerts go out before the comment records them as sent: if a write fails after them, the
  // retry may alert twice (rare), but an S0 is never left unannounced. Not under a lapsed lock,
  // though: another replica may be alerting for this issue right now.
  if (alerts.length) assertLeaseHeld();
  // A mention only notifies when a comment is created: an edited bot comment needs a new one.
  if (s0Team && alerts.some((a) => a.kind === "s0") && writes.comment.action !== "create") {
    await createComment(
      github,
      ref,
      `${mention(s0Team)}: this request is now an accepted **S0 emergency**; see the bot's comment.`,
    );
  }
  for (const alert of alerts) await job.chat?.send(alert.text);
  if (hasWrites(writes)) {
    await applyWrites(github, ref, writes, current, config.policy, log, board.labeled);
    log.info(summary, "triage applied");
  } else {
    log.info(summary, "issue already matches the plan");
  }
  return plan;
}

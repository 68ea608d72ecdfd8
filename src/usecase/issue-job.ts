// What every use case on an issue works with: the issue's place, the configuration in force, a
// GitHub client, the shared locks, and who the app is. Built once per piece of work.
import { watchedRepos, type TriageConfig } from "../registry/triage-config.js";
import { gitHubClient } from "../github/client.js";
import type { GitHub, IssueRef } from "../github/client-types.js";
import type { LiveConfig } from "../github/live-config.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { Coordinator } from "../coordination/types.js";
import type { Executor } from "../github/executor.js";
import { readBotComment } from "../github/bot-comment.js";
import { type BotComment } from "../triage/app-comments.js";
import type { Policy } from "../registry/policy.js";
import type { CurrentIssue } from "../triage/issue-writes.js";
import type { IssueInput } from "../triage/types.js";

export interface AppDeps {
  /** The registry and policy in force for an installation (read live when configured). */
  config: (github: GitHub, installation: string) => Promise<LiveConfig>;
  /** The executor a piece of work writes through (the wiring decides dry run and the chat). */
  executor: ExecutorFor;
  /** Locks and claims shared by the replicas (or this process alone). */
  coordinator: Coordinator;
  /** The login the app's own comments are written by (`<slug>[bot]`), learnt from GitHub. */
  appLogin: () => Promise<string>;
  /** The app's time (the system's; tests move their own). */
  clock: Clock;
  /** Look at the issue's response promise again at `at` (ms since 1970): its next escalation
   * step. Absent where nothing runs later (the command line). */
  remind?: (issue: IssuePlace, at: number) => Promise<void>;
}

/** Where an issue is, as queued work names it. */
export interface IssuePlace {
  repo: string;
  number: number;
  installation: string;
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

/** An executor for a piece of work: on an issue (`ref`), or on a repository (none). */
export type ExecutorFor = (
  github: GitHub,
  ref: IssueRef | undefined,
  context: { log: Logger; policy: Policy },
) => Executor;

/** Everything a handler knows about the issue it is working on. */
export interface IssueJob {
  github: GitHub;
  ref: IssueRef;
  repo: string;
  installation: string;
  deliveryId: string;
  /** When its delivery arrived (ms since 1970), for the delivery-to-comment time. */
  receivedAt?: number;
  config: TriageConfig;
  /** False while the live registry is broken: nothing is rejected. */
  trusted: boolean;
  /** Where the job's plans are applied (or, in a dry run, only logged). */
  act: Executor;
  /** Locks shared with the other replicas (board placements take one). */
  coordinator?: Coordinator;
  /** The login the app's own comments are written by: no other bot's comment is trusted. */
  appLogin: string;
  clock: Clock;
  /** Look at this issue's response promise again at `at` (see AppDeps.remind). */
  remind?: (at: number) => Promise<void>;
  log: Logger;
}

/** Where an event happened: enough to build its job now, or later from the queue. */
export interface EventPlace {
  /** An Octokit for the event's installation. */
  octokit: unknown;
  log: Logger;
  deliveryId: string;
  /** When its delivery arrived (ms since 1970). */
  receivedAt?: number;
  /** owner/name */
  repo: string;
  number: number;
  installation: string;
}

/** The place of queued work: its issue, from the task's fields. */
export function placeFor(
  work: {
    deliveryId: string;
    receivedAt?: number;
    repo: string;
    number: number;
    installation: string;
  },
  octokit: unknown,
  log: Logger,
): EventPlace {
  const { deliveryId, receivedAt, repo, number, installation } = work;
  return { octokit, log, deliveryId, receivedAt, repo, number, installation };
}

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
  const github = gitHubClient(place.octokit, { log: place.log });
  const { config, trusted } = await deps.config(github, place.installation);
  if (!isWatched(place.repo, config)) return undefined;
  const [owner, repo] = place.repo.split("/") as [string, string];
  const ref = { owner, repo, issue_number: place.number };
  return {
    github,
    ref,
    repo: place.repo,
    installation: place.installation,
    deliveryId: place.deliveryId,
    receivedAt: place.receivedAt,
    config,
    trusted,
    act: deps.executor(github, ref, { log: place.log, policy: config.policy }),
    coordinator: deps.coordinator,
    appLogin: await deps.appLogin(),
    clock: deps.clock,
    ...(deps.remind ? { remind: remindFor(deps.remind, place) } : {}),
    log: place.log,
  };
}

function remindFor(remind: NonNullable<AppDeps["remind"]>, place: EventPlace) {
  const { repo, number, installation } = place;
  return (at: number) => remind({ repo, number, installation }, at);
}

/** The key events for one issue are serialised on, in every replica. */
export function issueKey(repo: string, number: number): string {
  return `${repo}#${number}`.toLowerCase();
}

export interface ApplyOptions {
  /** Labels a command replaced: removed even though a person set them. */
  displace?: string[];
  /** The id of the comment whose commands were just handled. */
  seenComment?: number;
}

/** The issue's bot comment; several (replicas that raced) are healed first, by the executor. */
export async function botCommentOf(job: IssueJob): Promise<BotComment | undefined> {
  const read = await readBotComment(job.github, job.ref, job.appLogin);
  if (read.healing) await job.act.apply([{ kind: "heal", healing: read.healing }]);
  return read.comment;
}

// The reconcile sweep: GitHub never redelivers a failed webhook by itself, so walk the open
// issues of the watched repos and repair what a missed or failed delivery left behind: a
// missing or stale decision, an accepted request not on the board. Each repair happens inside the
// issue's lock (shared with the app's replicas through Redis), from what is read inside it, and
// issues with work queued in the app are left to the queue.
import { wantsComment } from "../triage/comment-text.js";
import type { BoardOutcome } from "../github/board-sync.js";
import { commentsByIssue, pickBotComment, planHealing } from "../github/bot-comment.js";
import { listIssues, readIssue } from "../github/issue-api.js";
import { watchedRepos } from "../registry/triage-config.js";
import { inProcessCoordinator } from "../coordination/in-process.js";
import type { Coordinator } from "../coordination/types.js";
import type { LiveConfig } from "../github/live-config.js";
import type { GitHub, IssueRef } from "../github/client-types.js";
import type { Logger } from "../logger.js";
import { handleIssue } from "../usecase/issue-turn.js";
import {
  isWatched,
  issueKey,
  labelNames,
  toInput,
  botCommentOf,
  type ExecutorFor,
  type IssueData,
  type IssueJob,
} from "../usecase/issue-job.js";
import { handleCommandComment, type CommandComment } from "../usecase/command-comment.js";
import { unansweredCommands, type ListedComment } from "./lost-commands.js";
import { followRegistryPull, tierScope, type ClosedPull } from "../usecase/tier-application.js";
import { readRegistryPullRequest } from "../github/registry-pr.js";
import { boardTarget, sameAsRecorded } from "../triage/card.js";
import { decide } from "../triage/decide.js";
import { isAppLabel } from "../triage/label-names.js";
import { decodeState, readDigest } from "../triage/state.js";
import type { RecordedState, TriagePlan } from "../triage/types.js";

export interface SweepOptions {
  /** owner/name; default: every watched repository. */
  repos?: string[];
  /** Issues updated more recently than this are the live app's business (when its queue is
   * unknown: the command line without Redis). */
  quietMs?: number;
  /** The issue locks the app's replicas hold (default: this process's own). */
  coordinator?: Coordinator;
  /** Issues with work queued in the app: left to the queue. */
  queued?: () => Promise<Set<string>>;
  installation?: string;
  /** The login the app's own comments are written by: no other bot's comment is trusted. */
  appLogin: string;
  log: Logger;
  /** Where repairs are written (in a dry run, only logged). */
  executor: ExecutorFor;
}

export interface SweepReport {
  repos: number;
  scanned: number;
  /** Issues whose decision was missing or stale, with why. */
  stale: { issue: string; why: string }[];
  repaired: number;
  skippedRecent: number;
  /** Issues with work waiting in the app's queue. */
  skippedQueued: number;
  failed: { issue: string; error: string }[];
}

const BOARD_FAILURE = "Could not add this to the board";
const DUPLICATES = "more than one bot comment";

/**
 * Why an issue needs triage again, or undefined when its recorded decision still holds. `read`:
 * what a decision would read from the issue now (readDigest). When the issue reads as it did at
 * its recorded decision, a different decision now can only come from a registry or policy change:
 * that is applied on the issue's next event or `/retriage`, never by the sweep on its own (the
 * Tier registry check lists those requests when the change is proposed). Only what a failed
 * write left behind is repaired then.
 */
export function staleness(
  plan: TriagePlan,
  labels: readonly string[],
  comment: { body: string } | undefined,
  previous: RecordedState | undefined,
  live: LiveConfig,
  state: "open" | "closed",
  read?: string,
): string | undefined {
  const policy = live.config.policy;
  const needsComment = wantsComment(plan);
  if (needsComment && !comment) return "no bot comment";
  if (comment && !previous) return "bot comment without readable state";
  if (previous?.read !== undefined && previous.read === read) {
    // A rejection held back while the registry was broken is decided once it holds again.
    if (previous.held && live.trusted) return "held while the registry was invalid; valid again";
    return failedBoardWrite(comment);
  }
  if (previous && previous.outcome !== plan.outcome)
    return `outcome ${previous.outcome} → ${plan.outcome}`;
  const missing = plan.labels.filter((l) => !labels.includes(l));
  if (missing.length) return `labels missing: ${missing.join(", ")}`;
  const extra = labels.filter(
    (l) =>
      isAppLabel(l, policy) && (previous?.applied ?? []).includes(l) && !plan.labels.includes(l),
  );
  if (extra.length) return `labels no longer right: ${extra.join(", ")}`;
  const failed = failedBoardWrite(comment);
  if (failed) return failed;
  const board = policy.board;
  if (board?.number) {
    const target = boardTarget(plan, state, live.config.registry, previous?.time);
    if (target.onBoard && (!previous?.board?.column || previous.board.archived))
      return "accepted but not on the board";
    // A column a developer chose stays theirs; the card's fields always follow the issue.
    const recorded = previous?.board;
    if (target.onBoard && !sameAsRecorded({ ...target, column: recorded?.column }, recorded))
      return "the board card's fields differ from the issue";
  }
  return undefined;
}

/** A board write that failed, which the bot comment says: repaired whatever else holds. */
const failedBoardWrite = (comment: { body: string } | undefined) =>
  comment?.body.includes(BOARD_FAILURE) ? "the last board update failed" : undefined;

export async function reconcile(
  github: GitHub,
  live: LiveConfig,
  options: SweepOptions,
): Promise<SweepReport> {
  const repos = (options.repos?.length ? options.repos : watchedRepos(live.config)).filter((r) =>
    isWatched(r, live.config),
  );
  const report: SweepReport = {
    repos: repos.length,
    scanned: 0,
    stale: [],
    repaired: 0,
    skippedRecent: 0,
    skippedQueued: 0,
    failed: [],
  };
  const quietMs = options.quietMs ?? 2 * 60 * 1000;
  const coordinator = options.coordinator ?? inProcessCoordinator();
  const queued = (await options.queued?.()) ?? new Set<string>();
  for (const full of repos) {
    const [owner, repo] = full.split("/") as [string, string];
    const issues = await listIssues(github, full, { state: "open" });
    const byIssue = await commentsByIssue(github, owner, repo);
    for (const issue of issues) {
      report.scanned++;
      if (Date.now() - Date.parse(issue.updated_at) < quietMs) {
        report.skippedRecent++;
        continue;
      }
      if (queued.has(issueKey(full, issue.number))) {
        report.skippedQueued++;
        continue;
      }
      const listed = { issue: issue as IssueData, comments: byIssue.get(issue.number) ?? [] };
      await sweepIssue(
        github,
        full,
        issue.number,
        live,
        { ...options, coordinator },
        listed,
        report,
      );
    }
  }
  options.log.info(
    {
      repos: report.repos,
      scanned: report.scanned,
      stale: report.stale.length,
      repaired: report.repaired,
      queued: report.skippedQueued,
      failed: report.failed.length,
    },
    "reconcile sweep done",
  );
  return report;
}

/**
 * Look at one listed issue and repair it if it needs it. Whatever goes wrong here (an issue
 * whose text trips a rule, GitHub refusing a write) is this issue's failure, reported with it:
 * the sweep goes on to the next issue, so one bad issue never hides the others' repairs.
 */
async function sweepIssue(
  github: GitHub,
  full: string,
  number: number,
  live: LiveConfig,
  options: SweepOptions & { coordinator: Coordinator },
  listed: { issue: IssueData; comments: readonly ListedComment[] },
  report: SweepReport,
): Promise<void> {
  const [owner, repo] = full.split("/") as [string, string];
  const where = `${full}#${number}`;
  let why: string | undefined;
  try {
    const ref = { owner, repo, issue_number: number };
    const repair = await repairFor(github, ref, full, live, options, listed);
    if (!repair) return;
    why = repair.why;
    const repaired = await options.coordinator.withLock(
      `issue:${issueKey(full, number)}`,
      repair.run,
    );
    if (repaired) {
      report.stale.push({ issue: where, why: repaired });
      report.repaired++;
    }
  } catch (error) {
    if (why) report.stale.push({ issue: where, why });
    const message = String((error as Error).message ?? error).slice(0, 200);
    report.failed.push({ issue: where, error: message });
    options.log.warn({ issue: where, error: message }, "reconcile could not repair this issue");
  }
}

/** What the sweep would repair on an issue, and how, inside the issue's lock. */
interface Repair {
  why: string;
  run: () => Promise<string | undefined>;
}

/**
 * From the listing (which only says where to look: each repair reads again inside the lock):
 * command comments never answered first, then a registry pull request's missed closing, then
 * duplicate bot comments (healed by findBotComment), then a stale decision.
 */
async function repairFor(
  github: GitHub,
  ref: IssueRef,
  repo: string,
  live: LiveConfig,
  options: SweepOptions,
  listed: { issue: IssueData; comments: readonly ListedComment[] },
): Promise<Repair | undefined> {
  const { issue, comments } = listed;
  const comment = pickBotComment(comments, options.appLogin);
  const previous = comment ? decodeState(comment.body) : undefined;
  const lost = unansweredCommands(comments, comment?.id, previous, Date.now());
  if (lost.length) {
    const run = () => answerInsideLock(github, ref, repo, live, options, lost);
    return { why: neverAnswered(lost), run };
  }
  const pull = await missedPullClosing(github, previous, options.log);
  if (pull) return { why: pull.why, run: () => followInsideLock(github, ref, pull, live, options) };
  const labels = labelNames(issue);
  const why = planHealing(comments, options.appLogin)?.remove.length
    ? DUPLICATES
    : whyStale(repo, ref.issue_number, { labels, data: issue }, comment, live);
  if (!why) return undefined;
  return { why, run: () => repairInsideLock(github, ref, repo, live, options, why) };
}

const neverAnswered = (lost: readonly CommandComment[]) =>
  `command comment never answered: ${lost.map((c) => `${c.id} by @${c.login}`).join(", ")}`;

/** The sweep's job on one issue: the same use cases as a delivery's, as the sweep. */
function sweepJob(
  github: GitHub,
  ref: IssueRef,
  repo: string,
  live: LiveConfig,
  options: SweepOptions,
  /** A delivery id of its own for each piece of work (a comment's, the issue's). */
  deliveryId: string,
): IssueJob {
  return {
    github,
    ref,
    repo,
    installation: options.installation ?? "cli",
    deliveryId,
    config: live.config,
    trusted: live.trusted,
    act: options.executor(github, ref, { log: options.log, policy: live.config.policy }),
    coordinator: options.coordinator,
    appLogin: options.appLogin,
    log: options.log,
  };
}

/**
 * Inside the issue's lock: run the command comments whose delivery was lost, oldest first, as
 * their delivery would have (each is skipped if the bot comment now records it as handled).
 * Says which ran, or undefined.
 */
async function answerInsideLock(
  github: GitHub,
  ref: IssueRef,
  repo: string,
  live: LiveConfig,
  options: SweepOptions,
  lost: readonly CommandComment[],
): Promise<string | undefined> {
  const ran: CommandComment[] = [];
  for (const comment of lost) {
    const job = sweepJob(github, ref, repo, live, options, `reconcile-comment-${comment.id}`);
    if (await handleCommandComment(job, comment)) ran.push(comment);
  }
  return ran.length ? neverAnswered(ran) : undefined;
}

/** A closed registry pull request whose closing the app missed, with what to say. */
interface MissedClosing {
  pull: ClosedPull;
  why: string;
}

/**
 * A tier decision's registry pull request the bot comment still waits for: closed (merged or
 * not) on GitHub while its delivery was lost? One read per approval waiting for its merge.
 */
async function missedPullClosing(
  github: GitHub,
  previous: RecordedState | undefined,
  log: Logger,
): Promise<MissedClosing | undefined> {
  const recorded = previous?.application?.pull;
  if (!recorded || previous?.application?.merged) return undefined;
  const now = await readRegistryPullRequest(github, recorded).catch((error: unknown) => {
    // Not readable now (gone, no access, GitHub down): the next sweep looks again.
    log.warn(
      { pull: `${recorded.repo}#${recorded.number}`, error: String(error) },
      "registry pull request not readable",
    );
    return undefined;
  });
  if (!now?.closed) return undefined;
  const what = now.merged ? "merged" : "closed without merging";
  return {
    pull: { ...recorded, body: now.body, merged: now.merged },
    why: `registry pull request ${recorded.repo}#${recorded.number} ${what}, not followed yet`,
  };
}

/** Inside the issue's lock: follow the pull request's closing as its delivery would have. */
async function followInsideLock(
  github: GitHub,
  ref: IssueRef,
  missed: MissedClosing,
  live: LiveConfig,
  options: SweepOptions,
): Promise<string | undefined> {
  const job = sweepJob(github, ref, `${ref.owner}/${ref.repo}`, live, options, `reconcile-pull`);
  return (await followRegistryPull(job, missed.pull)) ? missed.why : undefined;
}

/** Why the issue as listed looks stale (a cheap look before taking its lock). */
function whyStale(
  repo: string,
  number: number,
  issue: { labels: string[]; data: IssueData },
  comment: { body: string } | undefined,
  live: LiveConfig,
): string | undefined {
  // Tier applications and reviews are the circle's, not the pipe's: only an application the app
  // never answered needs it (reviews get a comment once decided).
  const tier = tierScope(issue.data, issue.labels, live.config);
  if (tier)
    return tier.kind === "application" && !comment ? "tier application not answered" : undefined;
  const previous = comment ? decodeState(comment.body) : undefined;
  const decided = decide(
    toInput(repo, number, issue.data, { labels: issue.labels, previous }),
    live.config.registry,
    live.config.policy,
  );
  const state = issue.data.state === "closed" ? "closed" : "open";
  const read = readDigest(issue.data, issue.labels, previous?.applied);
  return staleness(decided, issue.labels, comment, previous, live, state, read);
}

/**
 * Inside the issue's lock: read the issue and its bot comment again (the app may have handled
 * it since the listing), and repair only what is still stale. Says why, or undefined.
 */
async function repairInsideLock(
  github: GitHub,
  ref: IssueRef,
  repo: string,
  live: LiveConfig,
  options: SweepOptions,
  /** Why the listing looked stale. */
  listed: string,
): Promise<string | undefined> {
  const job = sweepJob(github, ref, repo, live, options, `reconcile-${Date.now()}`);
  const issue = await readIssue(github, ref);
  const labels = labelNames(issue);
  const comment = await botCommentOf(job); // heals duplicates
  const why = whyStale(repo, ref.issue_number, { labels, data: issue }, comment, live);
  if (!why) return listed === DUPLICATES ? `${DUPLICATES}: healed` : undefined;
  const previous = comment ? decodeState(comment.body) : undefined;
  // Forget a board record that failed or is missing, so the card is checked for real.
  const state =
    previous && why.includes("board")
      ? { ...previous, board: undefined as BoardOutcome["record"] }
      : previous;
  await handleIssue(job, issue, {
    labels,
    comment,
    previous: state,
  });
  return why;
}

// The reconcile sweep: a delivery lost while the app was down, or one whose work failed for good,
// leaves an issue behind. Walk the open issues of the watched repositories, find what each needs
// (a lost command answered, a missed registry pull request closing followed, duplicate bot
// comments healed, a missing or stale decision repaired) and hand it to the queue like any
// delivery: it runs in its turn, under its issue's lease, from what is read then. Issues with
// work queued already are left to the queue. GitHub's delivery log (delivery-log.ts) redelivers
// what it can; this finds what a redelivery cannot fix or the log no longer holds.
import { wantsComment } from "../../triage/comment-text.js";
import type { BoardOutcome } from "../../github/board-sync.js";
import { commentsByIssue } from "../../github/bot-comment.js";
import { pickBotComment, planHealing } from "../../triage/app-comments.js";
import { listIssues, readIssue } from "../../github/issue-api.js";
import { watchedRepos } from "../../registry/triage-config.js";
import type { LiveConfig } from "../../github/live-config.js";
import type { GitHub } from "../../github/client-types.js";
import type { Logger } from "../../logger.js";
import { handleIssue } from "../../usecase/issue-turn.js";
import {
  botCommentOf,
  isWatched,
  issueKey,
  labelNames,
  toInput,
  type IssueData,
  type IssueJob,
  type IssuePlace,
} from "../../usecase/issue-job.js";
import type { CommandComment } from "../../usecase/command-comment.js";
import { unansweredCommands, type ListedComment } from "./lost-commands.js";
import { tierScope, type ClosedPull } from "../../usecase/tier-application.js";
import { readRegistryPullRequest } from "../../github/registry-pr.js";
import { boardTarget, sameAsRecorded } from "../../triage/card.js";
import { decide } from "../../triage/decide.js";
import { isAppLabel } from "../../triage/label-names.js";
import { decodeState, readDigest } from "../../triage/state.js";
import type { RecordedState, TriagePlan } from "../../triage/types.js";
import type { Task } from "../tasks.js";
import { timeTotals } from "../../triage/time-log.js";
import {
  escalationsDue,
  nextEscalationAt,
  promiseOutcome,
  type ResponseClock,
} from "../../triage/response-clock.js";

/** What became of work the sweep handed on: queued for the app, or run here (what it did). */
export type Submitted = { queued: true } | { queued: false; done?: string };

export interface SweepOptions {
  /** owner/name; default: every watched repository. */
  repos?: string[];
  /** Issues updated more recently than this are the live app's business (when its queue is
   * unknown: the command line without Redis). */
  quietMs?: number;
  /** Issues with work queued in the app: left to the queue. */
  queued?: () => Promise<Set<string>>;
  installation?: string;
  /** The login the app's own comments are written by: no other bot's comment is trusted. */
  appLogin: string;
  log: Logger;
  /** Hand a piece of work on: to the app's queue, or (the command line alone) run it now. */
  submit: (task: Task) => Promise<Submitted>;
  /** The time response promises are judged at (ms since 1970; the system's by default). */
  now?: () => number;
  /** Set a promise's next escalation step for its time again (timers die with a process). */
  remind?: (issue: IssuePlace, at: number) => Promise<void>;
}

export interface SweepReport {
  repos: number;
  scanned: number;
  /** Issues that needed work, with why. */
  stale: { issue: string; why: string }[];
  /** Work handed to the app's queue. */
  submitted: number;
  /** Work done here (the command line without the app's queue). */
  repaired: number;
  skippedRecent: number;
  /** Issues with work waiting in the app's queue. */
  skippedQueued: number;
  failed: { issue: string; error: string }[];
  /** Response promises waiting for a first response, and those of them past due. */
  promises: { open: number; overdue: number };
}

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
    return failedBoardWrite(previous);
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
  const failed = failedBoardWrite(previous);
  if (failed) return failed;
  const board = policy.board;
  if (board?.number) {
    const target = boardTarget(
      plan,
      state,
      live.config.registry,
      timeTotals(previous),
      previous?.response,
    );
    if (target.onBoard && (!previous?.board?.column || previous.board.archived))
      return "accepted but not on the board";
    // A column a developer chose stays theirs; the card's fields always follow the issue.
    const recorded = previous?.board;
    if (target.onBoard && !sameAsRecorded({ ...target, column: recorded?.column }, recorded))
      return "the board card's fields differ from the issue";
  }
  return undefined;
}

/** A board write that failed, as the recorded state says: repaired whatever else holds. */
const failedBoardWrite = (previous: RecordedState | undefined) =>
  previous?.board?.failed ? "the last board update failed" : undefined;

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
    submitted: 0,
    repaired: 0,
    skippedRecent: 0,
    skippedQueued: 0,
    failed: [],
    promises: { open: 0, overdue: 0 },
  };
  const quietMs = options.quietMs ?? 2 * 60 * 1000;
  const queued = (await options.queued?.()) ?? new Set<string>();
  const sweep = `reconcile-${Date.now()}`;
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
      const place = { repo: full, number: issue.number, sweep };
      await sweepIssue(github, place, live, options, listed, report);
    }
  }
  options.log.info(
    {
      repos: report.repos,
      scanned: report.scanned,
      stale: report.stale.length,
      submitted: report.submitted,
      repaired: report.repaired,
      queued: report.skippedQueued,
      failed: report.failed.length,
    },
    "reconcile sweep done",
  );
  return report;
}

/**
 * Look at one listed issue and hand on what it needs. Whatever goes wrong here (an issue whose
 * text trips a rule, GitHub refusing a write) is this issue's failure, reported with it: the
 * sweep goes on to the next issue, so one bad issue never hides the others' repairs.
 */
async function sweepIssue(
  github: GitHub,
  place: { repo: string; number: number; sweep: string },
  live: LiveConfig,
  options: SweepOptions,
  listed: { issue: IssueData; comments: readonly ListedComment[] },
  report: SweepReport,
): Promise<void> {
  const where = `${place.repo}#${place.number}`;
  let why: string | undefined;
  try {
    const work = await workFor(github, place, live, options, listed, report);
    if (!work) return;
    why = work.why;
    const done: string[] = [];
    let queued = 0;
    for (const task of work.tasks) {
      const result = await options.submit(task);
      if (result.queued) queued++;
      else if (result.done) done.push(result.done);
    }
    report.submitted += queued;
    // Handed to the queue, or done here: why (a repair says what it found still stale).
    if (done.length) {
      const repaired = work.tasks.every((t) => t.kind === "repair") ? done.join("; ") : why;
      report.stale.push({ issue: where, why: repaired });
      report.repaired++;
    } else if (queued) report.stale.push({ issue: where, why });
  } catch (error) {
    if (why) report.stale.push({ issue: where, why });
    const message = String((error as Error).message ?? error).slice(0, 200);
    report.failed.push({ issue: where, error: message });
    options.log.warn({ issue: where, error: message }, "reconcile could not repair this issue");
  }
}

/** What an issue needs, as work for the queue, and why. */
interface Work {
  why: string;
  tasks: Task[];
}

/**
 * From the listing (which only says where to look: each piece of work reads again in its turn):
 * command comments never answered first, then a registry pull request's missed closing, then
 * duplicate bot comments, then a stale decision.
 */
async function workFor(
  github: GitHub,
  place: { repo: string; number: number; sweep: string },
  live: LiveConfig,
  options: SweepOptions,
  listed: { issue: IssueData; comments: readonly ListedComment[] },
  report: SweepReport,
): Promise<Work | undefined> {
  const { issue, comments } = listed;
  const base = {
    repo: place.repo,
    number: place.number,
    installation: options.installation ?? "cli",
  };
  const comment = pickBotComment(comments, options.appLogin);
  const previous = comment ? decodeState(comment.body) : undefined;
  countPromise(previous, report, options);
  const lost = unansweredCommands(comments, comment?.id, previous, Date.now());
  if (lost.length) {
    const tasks: Task[] = lost.map((c) => ({
      kind: "commands",
      ...base,
      deliveryId: `reconcile-comment-${c.id}`,
      comment: c,
    }));
    return { why: neverAnswered(lost), tasks };
  }
  const promise = await promiseWork(previous?.response, base, place.sweep, options);
  if (promise) return promise;
  const pull = await missedPullClosing(github, previous, options.log);
  if (pull) {
    const deliveryId = `${place.sweep}-pull-${pull.pull.number}`;
    return {
      why: pull.why,
      tasks: [{ kind: "pull-closed", ...base, deliveryId, pull: pull.pull }],
    };
  }
  const labels = labelNames(issue);
  const why = planHealing(comments, options.appLogin)?.remove.length
    ? DUPLICATES
    : whyStale(place.repo, place.number, { labels, data: issue }, comment, live);
  if (!why) return undefined;
  return { why, tasks: [{ kind: "repair", ...base, deliveryId: place.sweep, why }] };
}

const nowOf = (options: SweepOptions) => options.now?.() ?? Date.now();

/** A running promise counted: open, and overdue when past its time. */
function countPromise(
  previous: RecordedState | undefined,
  report: SweepReport,
  options: SweepOptions,
): void {
  const clock = previous?.response;
  if (!clock || clock.respondedAt) return;
  report.promises.open++;
  if (promiseOutcome(clock, new Date(nowOf(options))) === "missed") report.promises.overdue++;
}

/**
 * An S0's escalation step due and not taken (its timer died with a process, or Redis lost it):
 * work for the queue. A step still to come is set for its time again (the queue drops a second
 * setting of the same step).
 */
async function promiseWork(
  clock: ResponseClock | undefined,
  base: IssuePlace,
  sweep: string,
  options: SweepOptions,
): Promise<Work | undefined> {
  const due = escalationsDue(clock, new Date(nowOf(options)));
  if (due.length)
    return {
      why: `S0 response promise: ${due.join(" and ")} step not announced`,
      tasks: [{ kind: "escalate", ...base, deliveryId: `${sweep}-escalate` }],
    };
  const next = nextEscalationAt(clock);
  if (next !== undefined) await options.remind?.(base, next);
  return undefined;
}

const neverAnswered = (lost: readonly CommandComment[]) =>
  `command comment never answered: ${lost.map((c) => `${c.id} by @${c.login}`).join(", ")}`;

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
 * A repair in its turn (the issue's lease held): read the issue and its bot comment again (the
 * app may have handled it since the sweep looked, and several bot comments are healed), and
 * repair only what is still stale. Says what it repaired, or undefined.
 */
export async function repairIssue(job: IssueJob, listed: string): Promise<string | undefined> {
  const issue = await readIssue(job.github, job.ref);
  const labels = labelNames(issue);
  const comment = await botCommentOf(job); // heals duplicates
  const live = { config: job.config, trusted: job.trusted };
  const why = whyStale(job.repo, job.ref.issue_number, { labels, data: issue }, comment, live);
  if (!why) return listed === DUPLICATES ? `${DUPLICATES}: healed` : undefined;
  const previous = comment ? decodeState(comment.body) : undefined;
  // Forget a board record that failed or is missing, so the card is checked for real.
  const state =
    previous && why.includes("board")
      ? { ...previous, board: undefined as BoardOutcome["record"] }
      : previous;
  await handleIssue(job, issue, { labels, comment, previous: state });
  return why;
}

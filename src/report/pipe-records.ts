// What the reports read of an issue of the pipe: its labels and the app's recorded state, turned
// into a record for the load report, and a job for the invoices. Pure: reading the issues is
// github/pipe-read.ts.
import { pickBotComment } from "../triage/app-comments.js";
import type { TriageConfig } from "../registry/triage-config.js";
import { readLabel } from "../triage/label-names.js";
import { decodeState, type ResponseClock } from "../triage/state.js";
import { entriesOf, jobEntries, legacyJobMinutes, type TimeEntry } from "../triage/time-log.js";
import type { Job, RecordedState } from "../triage/types.js";
import type { Outcome, Severity, Size } from "../registry/vocabulary.js";
import type { JobRecord } from "./invoice.js";

/** One request in the pipe, as read from GitHub (labels and the bot comment's state). */
export interface PipeRecord {
  repo: string;
  number: number;
  title: string;
  createdAt: string;
  instances: string[];
  severity?: Severity;
  size?: Size;
  category?: string;
  outcome?: Outcome;
  jobBoard: boolean;
  /** Time logged with /spent, dated (see pipe-records.ts for records older than entries). */
  entries: TimeEntry[];
  /** When someone other than the author and the bot first answered. */
  firstResponseAt?: string;
  /** The response promise's clock, as the bot comment's state records it (accepted requests). */
  response?: ResponseClock;
}

interface LabelLike {
  name?: string;
}

/** An issue as the issues list returns it (the fields the reports read). */
export interface IssueData {
  number: number;
  title: string;
  created_at: string;
  html_url?: string;
  labels: (string | LabelLike)[];
  user?: { login: string } | null;
}

/** A comment as the comments list returns it. */
export interface CommentData {
  body?: string;
  created_at: string;
  user?: { login: string; type?: string } | null;
}

/** The record of one issue, from its labels and the bot comment's state. Pure. */
export function pipeRecord(
  repo: string,
  issue: IssueData,
  comments: CommentData[],
  config: TriageConfig,
  appLogin: string,
): PipeRecord {
  const names = issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
  const meanings = names.flatMap((n) => {
    const m = readLabel(n, config.policy);
    return m ? [m] : [];
  });
  const value = (dimension: string) => meanings.find((m) => m.dimension === dimension)?.value;
  const state = botState(comments, appLogin);
  const author = issue.user?.login;
  const response = comments
    .filter(
      (c) => c.user?.type !== "Bot" && c.user?.login !== author && c.created_at >= issue.created_at,
    )
    .map((c) => c.created_at)
    .sort()[0];
  return {
    repo,
    number: issue.number,
    title: issue.title,
    createdAt: issue.created_at,
    instances: meanings.filter((m) => m.dimension === "instance").map((m) => m.value),
    severity: value("severity") as Severity | undefined,
    size: value("size") as Size | undefined,
    category: value("category"),
    outcome: state?.outcome,
    jobBoard: names.includes(config.policy.labels.job_board),
    entries: datedEntries(state, issue.created_at),
    ...(response ? { firstResponseAt: response } : {}),
    ...(state?.response ? { response: state.response } : {}),
  };
}

/** Who logged time recorded before entries existed: nobody knows. */
export const UNKNOWN_LOGIN = "";

/**
 * Every entry of an issue, with the totals older records kept as entries of their own: pipe time
 * (and jobs time before the job was taken) on the day the issue was opened, and a job's time on
 * the day it was done, as those records were counted before.
 */
export function datedEntries(state: RecordedState | undefined, createdAt: string): TimeEntry[] {
  const legacy = state?.time;
  const job = state?.commanded?.job;
  const older: TimeEntry[] = [];
  const add = (minutes: number, bucket: TimeEntry["bucket"], at: string, by = UNKNOWN_LOGIN) => {
    if (minutes > 0) older.push({ by, at, minutes, bucket });
  };
  if (legacy) {
    add(legacy.pipe, "pipe", createdAt);
    if (job) {
      add(Math.min(legacy.jobs, job.from ?? 0), "jobs", createdAt);
      add(legacyJobMinutes(job, state), "jobs", job.done?.at ?? createdAt, job.taker);
    } else add(legacy.jobs, "jobs", createdAt);
  }
  return [...older, ...entriesOf(state)];
}

/** The state in the bot comment among an issue's comments. */
function botState(comments: readonly CommentData[], appLogin: string): RecordedState | undefined {
  const listed = comments.map((c, i) => ({ id: i, body: c.body, user: c.user }));
  const bot = pickBotComment(listed, appLogin);
  return bot ? decodeState(bot.body) : undefined;
}

/** The job's own time, dated: its developer's entries, and older totals on the day it was done. */
function jobTime(job: Job, state: RecordedState, createdAt: string): JobRecord["entries"] {
  const legacy = legacyJobMinutes(job, state);
  const older = legacy ? [{ at: job.done?.at ?? createdAt, minutes: legacy }] : [];
  const since = jobEntries(job, state).map((e) => ({ at: e.at, minutes: e.minutes }));
  return [...older, ...since].sort((a, b) => a.at.localeCompare(b.at));
}

/** The instances an issue's labels name. */
const instancesOf = (issue: IssueData, config: TriageConfig) =>
  issue.labels.flatMap((l) => {
    const meaning = readLabel(typeof l === "string" ? l : (l.name ?? ""), config.policy);
    return meaning?.dimension === "instance" ? [meaning.value] : [];
  });

/** An issue's job, from its bot comment's state: undefined for any issue without one. Pure. */
export function jobRecord(
  repo: string,
  issue: IssueData,
  comments: readonly CommentData[],
  config: TriageConfig,
  appLogin: string,
): JobRecord | undefined {
  const state = botState(comments, appLogin);
  const job = state?.commanded?.job;
  if (!job) return undefined;
  return {
    repo,
    number: issue.number,
    title: issue.title,
    url: issue.html_url ?? `https://github.com/${repo}/issues/${issue.number}`,
    // The instances that agreed to pay are the ones invoiced.
    instances: job.agreed?.instances?.length ? job.agreed.instances : instancesOf(issue, config),
    developer: job.taker,
    ...(job.estimate !== undefined ? { estimateMinutes: job.estimate } : {}),
    ...(job.price ? { price: job.price } : {}),
    ...(job.agreed ? { agreed: job.agreed } : {}),
    ...(job.done?.at ? { doneAt: job.done.at } : {}),
    entries: jobTime(job, state, issue.created_at),
  };
}

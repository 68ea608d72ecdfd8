// What the reports read of an issue of the pipe: its labels and the app's recorded state, turned
// into a record for the load report, and a job for the invoices. Pure: reading the issues is
// github/pipe-read.ts.
import { pickBotComment } from "../triage/app-comments.js";
import type { TriageConfig } from "../registry/triage-config.js";
import { readLabel } from "../triage/label-names.js";
import { decodeState } from "../triage/state.js";
import { jobMinutes } from "../triage/job.js";
import type { RecordedState } from "../triage/types.js";
import type { Severity, Size } from "../registry/vocabulary.js";
import type { JobRecord } from "./invoice.js";
import type { PipeRecord } from "./load.js";

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
    pipeMinutes: state?.time?.pipe ?? 0,
    jobsMinutes: state?.time?.jobs ?? 0,
    ...(response ? { firstResponseAt: response } : {}),
  };
}

/** The state in the bot comment among an issue's comments. */
function botState(comments: readonly CommentData[], appLogin: string): RecordedState | undefined {
  const listed = comments.map((c, i) => ({ id: i, body: c.body, user: c.user }));
  const bot = pickBotComment(listed, appLogin);
  return bot ? decodeState(bot.body) : undefined;
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
    ...(job.agreed ? { agreed: job.agreed } : {}),
    ...(job.done?.at ? { doneAt: job.done.at } : {}),
    minutes: jobMinutes(job, state.time),
  };
}

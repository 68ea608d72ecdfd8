// Reading the pipe from GitHub for a report or an invoice: the issues with the app's pipe label,
// their labels and the bot comment's recorded state, in a few paginated requests per repository.
import { commentsByIssue, pickBotComment } from "./bot-comment.js";
import { listIssues } from "./issue-api.js";
import type { GitHub } from "./client-types.js";
import { watchedRepos, type TriageConfig } from "../registry/triage-config.js";
import { readLabel } from "../triage/label-names.js";
import { decodeState } from "../triage/state.js";
import { jobMinutes } from "../triage/job.js";
import type { RecordedState } from "../triage/types.js";
import type { Severity, Size } from "../registry/vocabulary.js";
import type { JobRecord } from "../report/invoice.js";
import type { PipeRecord } from "../report/load.js";
import { inPeriod, type Period } from "../report/period.js";

interface LabelLike {
  name?: string;
}

/** An issue as the issues list returns it (the fields the reports read). */
interface IssueData {
  number: number;
  title: string;
  created_at: string;
  html_url?: string;
  labels: (string | LabelLike)[];
  user?: { login: string } | null;
}

/** A comment as the comments list returns it. */
interface CommentData {
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

/**
 * The pipe's issues updated since `since` that `keep` wants, each with its comments: a few
 * paginated requests per watched repository, comments read only where an issue is kept.
 */
async function readPipeIssues(
  github: GitHub,
  config: TriageConfig,
  since: string,
  keep: (issue: IssueData) => boolean,
): Promise<{ repo: string; issue: IssueData; comments: CommentData[] }[]> {
  const found: { repo: string; issue: IssueData; comments: CommentData[] }[] = [];
  for (const full of watchedRepos(config)) {
    const [owner, repo] = full.split("/") as [string, string];
    const labels = config.policy.labels.pipe;
    const issues = (await listIssues(github, full, { state: "all", labels, since })).filter(keep);
    if (!issues.length) continue;
    const byIssue = await commentsByIssue(github, owner, repo, since);
    for (const issue of issues)
      found.push({ repo: full, issue, comments: byIssue.get(issue.number) ?? [] });
  }
  return found;
}

export async function readPipe(
  github: GitHub,
  config: TriageConfig,
  period: Period,
  appLogin: string,
): Promise<PipeRecord[]> {
  // Updated since the start: every issue created in the period is among them.
  const since = period.start.toISOString();
  const found = await readPipeIssues(github, config, since, (i) => inPeriod(i.created_at, period));
  return found.map((f) => pipeRecord(f.repo, f.issue, f.comments, config, appLogin));
}

/**
 * The jobs of the pipe's issues updated since the period's start: a job delivered in the period
 * was updated then (its `/done` comment), whenever its issue was opened.
 */
export async function readJobs(
  github: GitHub,
  config: TriageConfig,
  period: Period,
  appLogin: string,
): Promise<JobRecord[]> {
  const found = await readPipeIssues(github, config, period.start.toISOString(), () => true);
  return found.flatMap((f) => jobRecord(f.repo, f.issue, f.comments, config, appLogin) ?? []);
}

// Reading the pipe from GitHub for a report: the issues with the app's pipe label, their labels
// and the bot comment's recorded state, in a few paginated requests per repository.
import { commentsByIssue, pickBotComment } from "./bot-comment.js";
import { listIssues } from "./issue-api.js";
import type { GitHub } from "./client-types.js";
import { watchedRepos, type TriageConfig } from "../config.js";
import { readLabel } from "../triage/label-names.js";
import { decodeState } from "../triage/state.js";
import type { Severity, Size } from "../triage/vocabulary.js";
import type { PipeRecord } from "../report/load.js";
import { inPeriod, type Period } from "../report/period.js";

interface LabelLike {
  name?: string;
}

/** The record of one issue, from its labels and the bot comment's state. Pure. */
export function pipeRecord(
  repo: string,
  issue: {
    number: number;
    title: string;
    created_at: string;
    labels: (string | LabelLike)[];
    user?: { login: string } | null;
  },
  comments: { body?: string; created_at: string; user?: { login: string; type?: string } | null }[],
  config: TriageConfig,
): PipeRecord {
  const names = issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
  const meanings = names.flatMap((n) => {
    const m = readLabel(n, config.policy);
    return m ? [m] : [];
  });
  const value = (dimension: string) => meanings.find((m) => m.dimension === dimension)?.value;
  const bot = pickBotComment(comments.map((c, i) => ({ id: i, body: c.body, user: c.user })));
  const state = bot ? decodeState(bot.body) : undefined;
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

export async function readPipe(
  github: GitHub,
  config: TriageConfig,
  period: Period,
): Promise<PipeRecord[]> {
  const { policy } = config;
  const repos = watchedRepos(config);
  const records: PipeRecord[] = [];
  const since = period.start.toISOString();
  for (const full of repos) {
    const [owner, repo] = full.split("/") as [string, string];
    // Updated since the start: every issue created in the period is among them.
    const issues = (
      await listIssues(github, full, { state: "all", labels: policy.labels.pipe, since })
    ).filter((i) => inPeriod(i.created_at, period));
    if (!issues.length) continue;
    const byIssue = await commentsByIssue(github, owner, repo, since);
    for (const i of issues) records.push(pipeRecord(full, i, byIssue.get(i.number) ?? [], config));
  }
  return records;
}

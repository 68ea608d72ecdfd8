// Reading the pipe from GitHub for a report, an invoice or an hour cap: the issues with the app's
// pipe label and their comments, in a few paginated requests per repository (what each issue
// records is read in report/pipe-records.ts).
import { commentsByIssue } from "./bot-comment.js";
import { listIssues } from "./issue-api.js";
import type { GitHub } from "./client-types.js";
import { watchedRepos, type TriageConfig } from "../registry/triage-config.js";
import type { JobRecord } from "../report/invoice.js";
import type { Period } from "../report/period.js";
import {
  jobRecord,
  pipeRecord,
  type CommentData,
  type IssueData,
  type PipeRecord,
} from "../report/pipe-records.js";

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

/**
 * The pipe's issues updated since `since`: every issue opened since then, and every issue with
 * time logged since then (a `/spent` updates the issue), whenever it was opened.
 */
export async function readPipe(
  github: GitHub,
  config: TriageConfig,
  since: Date,
  appLogin: string,
): Promise<PipeRecord[]> {
  const found = await readPipeIssues(github, config, since.toISOString(), () => true);
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

// `sysadmin-pipe reviews`: open one issue per instance whose tier review is due, never twice.
import { findTrackingIssue } from "../github/tracking-issues.js";
import { loadReport } from "../report/load.js";
import { periodBetween } from "../report/period.js";
import { readPipe } from "../github/pipe-read.js";
import { UsageError, type Context } from "./command.js";
import { tokenClient } from "./token-client.js";
import {
  dueReviews,
  loadSince,
  renderReviewIssue,
  reviewMarker,
  reviewTitle,
} from "../report/reviews.js";

type ReviewsValues = { "dry-run"?: boolean; today?: string };

function todayOf(values: ReviewsValues): string {
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(today) && periodBetween(today, today)) return today;
  throw new UsageError(`--today \`${today}\` is not a date: write it YYYY-MM-DD`);
}

export async function reviewsCommand({
  values,
  io,
  config: shipped,
}: Context<ReviewsValues>): Promise<number> {
  const today = todayOf(values);
  const client = await tokenClient(shipped(), io, values["dry-run"] ?? false);
  if (!client) {
    io.stderr(
      "Set GITHUB_TOKEN to a token that can read the pipe and open issues in reports.repo.\n",
    );
    return 2;
  }
  const { github, live, appLogin, executor, log } = client;
  const { registry, policy } = live.config;
  if (!policy.reports.repo) {
    io.stderr(
      "Set REPORTS_REPO (or reports.repo in the policy): the repository where tier-review issues are opened.\n",
    );
    return 2;
  }
  const due = dueReviews(registry, today);
  if (!due.length) {
    io.stdout(`No tier review is due on ${today}.\n`);
    return 0;
  }
  // One read of the pipe from the oldest review on; each instance's figures from its own date.
  const starts = due.map((d) => loadSince(d.reviewed, today)).sort();
  const since = periodBetween(starts[0]!, today)!;
  const records = await readPipe(github, live.config, since.start, appLogin);
  for (const d of due) {
    const period = periodBetween(loadSince(d.reviewed, today), today)!;
    const body = renderReviewIssue(
      d,
      loadReport(records, period, registry, policy, new Date()),
      policy.reports.circle_team,
    );
    const found = await findTrackingIssue(
      github,
      policy.reports.repo,
      { label: policy.reports.review_label, marker: reviewMarker(d), title: reviewTitle(d), body },
      { update: false },
    );
    const result = await executor(github, undefined, { log, policy }).trackingIssue(found);
    const where = "number" in result ? `#${result.number}` : "";
    io.stdout(
      `${d.code}: review due since ${d.dueSince}: ${result.action} ${where}\n`.replace(" \n", "\n"),
    );
  }
  return 0;
}

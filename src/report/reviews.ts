// Tier reviews: which supported instances are due (from `reviewed` and `review_every_months`),
// and the issue that asks the circle to review one, with its load since the last review. Pure.
import { autolink, bounded, codeSpan, mention, plainText } from "../markup/inert.js";
import type { Registry, Tier } from "../registry/schema.js";
import { instanceList } from "../registry/schema.js";
import { displayName } from "../triage/coverage.js";
import type { LoadReport } from "./load.js";

export interface DueReview {
  code: string;
  name: string;
  tier: Tier;
  /** The last review, if any (2026-05-01). */
  reviewed?: string;
  /** When it became due; for a never-reviewed instance, today. */
  dueSince: string;
  everyMonths: number;
  evidence: string[];
}

/** How often a tier is reviewed when the registry does not say. */
export const DEFAULT_EVERY_MONTHS = 12;

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // 31 August + 6 months is the last day of February, not 3 March.
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

/** Supported instances (basic or full) whose review is due on `today` (2026-11-25). */
export function dueReviews(registry: Registry, today: string): DueReview[] {
  return instanceList(registry)
    .filter((i) => i.tier !== "none")
    .flatMap((i) => {
      const every = i.review_every_months ?? DEFAULT_EVERY_MONTHS;
      const dueSince = i.reviewed ? addMonths(i.reviewed, every) : today;
      if (dueSince > today) return [];
      return [
        {
          code: i.code,
          name: displayName(i.code, i),
          tier: i.tier,
          ...(i.reviewed ? { reviewed: i.reviewed } : {}),
          dueSince,
          everyMonths: every,
          evidence: i.evidence ?? [],
        },
      ];
    });
}

/** Identifies one review of one instance, so it is never opened twice. */
export function reviewMarker(due: DueReview): string {
  return `<!-- sysadmin-pipe:review ${due.code} ${due.reviewed ?? "never"} -->`;
}

/** The instance and last review a review issue's marker names, or undefined for any other body. */
export function readReviewMarker(body: string): { code: string; reviewed?: string } | undefined {
  const m = /<!-- sysadmin-pipe:review ([a-z][a-z0-9-]*) (\S+) -->/.exec(body);
  if (!m) return undefined;
  return { code: m[1]!, ...(m[2] !== "never" ? { reviewed: m[2]! } : {}) };
}

/** An issue's title is plain text on GitHub: the name is only kept to one bounded line. */
export function reviewTitle(due: DueReview): string {
  return `Tier review due: ${bounded(due.name, 100)} (${due.tier})`;
}

/** Where an instance's load is counted from: its last review, else a year before today. */
export function loadSince(reviewed: string | undefined, today: string): string {
  return reviewed ?? `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
}

/** "since its last review on 2026-05-01", or "(never reviewed; the last 12 months)". */
export function sinceWords(reviewed: string | undefined): string {
  return reviewed ? `since its last review on ${reviewed}` : "(never reviewed; the last 12 months)";
}

/** One instance's figures in a load report, as a table (or a sentence when it had none). */
export function instanceLoadTable(load: LoadReport, code: string): string {
  const mine = load.instances.find((l) => l.code === code);
  if (!mine) return "No sysadmin-pipe requests in that time.";
  return [
    `| requests | S0 / S1 / S2 / S3 | accepted | rejected | jobs board | estimated pipe h | logged pipe h | logged jobs-board h |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    `| ${mine.requests} | ${Object.values(mine.bySeverity).join(" / ")} | ${mine.accepted} | ${mine.rejected} | ${mine.jobsBoard} | ${mine.estimatedHours} | ${mine.pipeHours} | ${mine.jobsHours} |`,
  ].join("\n");
}

export function renderReviewIssue(
  due: DueReview,
  load: LoadReport,
  circleTeam: string | null,
): string {
  const since = sinceWords(due.reviewed);
  const figures = instanceLoadTable(load, due.code);
  return [
    reviewMarker(due),
    `${circleTeam ? `${mention(circleTeam)}: ` : ""}**${plainText(due.name, 100)}** (${codeSpan(due.code)}) is on the **${due.tier}** tier, reviewed every ${due.everyMonths} months; its review is due since ${due.dueSince}.`,
    "",
    `### Its load ${since}`,
    "",
    figures,
    "",
    "Jobs-board hours are paid extra work and never counted against the pipe.",
    "",
    "### Evidence on file",
    "",
    due.evidence.length
      ? due.evidence.map((url) => `- ${autolink(url)}`).join("\n")
      : "None yet: ask the instance for it (see the tier-change pull request template).",
    "",
    "### How the circle closes this review",
    "",
    "A member of the circle writes `/approve-tier basic` or `/approve-tier full` in a comment: the app opens the pull request to the registry that sets the tier and `reviewed:` to today, and closes this issue when it is merged. `/decline-tier <reason>` closes it without a change.",
    "",
  ].join("\n");
}

// Issues the app keeps one of per subject (a period's load report, one instance's tier review):
// found by a hidden marker among the issues with a label, so a second run never duplicates.
import type { GitHub } from "./client-types.js";

export interface TrackingIssue {
  label: string;
  marker: string;
  title: string;
  body: string;
}

export type TrackingResult =
  | { action: "created" | "updated" | "unchanged" | "exists"; number: number }
  | { action: "would-create" | "would-update" };

export async function upsertTrackingIssue(
  github: GitHub,
  full: string,
  issue: TrackingIssue,
  options: { update: boolean; dryRun: boolean },
): Promise<TrackingResult> {
  const [owner, repo] = full.split("/") as [string, string];
  const existing = (
    await github.paginate(github.rest.issues.listForRepo, {
      owner,
      repo,
      state: "all",
      labels: issue.label,
      per_page: 100,
    })
  ).find((i) => !i.pull_request && (i.body ?? "").includes(issue.marker));
  const body = issue.body.includes(issue.marker) ? issue.body : `${issue.marker}\n${issue.body}`;
  if (existing) {
    if (!options.update) return { action: "exists", number: existing.number };
    if ((existing.body ?? "") === body) return { action: "unchanged", number: existing.number };
    if (options.dryRun) return { action: "would-update" };
    await github.rest.issues.update({ owner, repo, issue_number: existing.number, body });
    return { action: "updated", number: existing.number };
  }
  if (options.dryRun) return { action: "would-create" };
  const { data } = await github.rest.issues.create({
    owner,
    repo,
    title: issue.title,
    body,
    labels: [issue.label],
  });
  return { action: "created", number: data.number };
}

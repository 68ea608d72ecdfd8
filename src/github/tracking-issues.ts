// Issues the app keeps one of per subject (a period's load report, one instance's tier review):
// found by a hidden marker among the issues with a label, so a second run never duplicates.
// Finding is a read; writing what was found to do is the executor's (executor.ts).
import type { GitHub } from "./client-types.js";

export interface TrackingIssue {
  label: string;
  marker: string;
  title: string;
  body: string;
}

/** What keeping the issue takes: nothing, a new issue, or an update of the one there. */
export type TrackingStep =
  | { action: "exists" | "unchanged"; number: number }
  | { action: "create"; repo: string; issue: TrackingIssue }
  | { action: "update"; repo: string; number: number; body: string };

export type TrackingResult =
  | { action: "created" | "updated" | "unchanged" | "exists"; number: number }
  | { action: "would-create" | "would-update" };

/** Look for the issue; `update`: an existing one gets the new body (else it is left). */
export async function findTrackingIssue(
  github: GitHub,
  full: string,
  issue: TrackingIssue,
  options: { update: boolean },
): Promise<TrackingStep> {
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
  if (!existing) return { action: "create", repo: full, issue: { ...issue, body } };
  if (!options.update) return { action: "exists", number: existing.number };
  if ((existing.body ?? "") === body) return { action: "unchanged", number: existing.number };
  return { action: "update", repo: full, number: existing.number, body };
}

/** Create or update the issue as found necessary. */
export async function writeTrackingIssue(
  github: GitHub,
  step: Extract<TrackingStep, { action: "create" | "update" }>,
): Promise<TrackingResult> {
  const [owner, repo] = step.repo.split("/") as [string, string];
  if (step.action === "update") {
    await github.rest.issues.update({ owner, repo, issue_number: step.number, body: step.body });
    return { action: "updated", number: step.number };
  }
  const { title, body, label } = step.issue;
  const { data } = await github.rest.issues.create({ owner, repo, title, body, labels: [label] });
  return { action: "created", number: data.number };
}

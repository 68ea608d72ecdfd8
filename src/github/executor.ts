// The one place that writes to GitHub: make an issue's labels and bot comment match a plan.
import type { Policy } from "../registry/policy.js";
import { wantsComment } from "../triage/comment-text.js";
import { sameBesidesDeliveries, type IssueLabelsAndState } from "../triage/state.js";
import { isAppLabel, labelStyle } from "../triage/label-names.js";
import type { TriagePlan } from "../triage/types.js";
import type { BotComment } from "./bot-comment.js";
import { ensureLabels } from "./label-store.js";
import type { GitHub, IssueRef } from "./client-types.js";
import type { Logger } from "../logger.js";

/** What must change on GitHub. Computed purely, so tests and dry-run see exactly this. */
export interface Writes {
  addLabels: string[];
  removeLabels: string[];
  comment: { action: "create" | "update" | "none"; body: string };
}

export interface CurrentIssue extends IssueLabelsAndState {
  comment?: BotComment;
}

/** The plan's labels the issue lacks. */
export function labelsToAdd(plan: TriagePlan, current: IssueLabelsAndState): string[] {
  const present = new Set(current.labels);
  return plan.labels.filter((label) => !present.has(label));
}

/**
 * Labels: add what the plan has and the issue lacks; remove only labels the app itself added
 * (recorded in its state) that the plan no longer has. A person's labels are never removed.
 * Comment: create once; afterwards edit in place, and only when the text changed.
 */
export function planWrites(
  plan: TriagePlan,
  current: CurrentIssue,
  commentBody: string,
  policy: Policy,
): Writes {
  const ours = new Set(current.previous?.applied ?? []);
  const addLabels = labelsToAdd(plan, current);
  const removeLabels = current.labels.filter(
    (label) => ours.has(label) && isAppLabel(label, policy) && !plan.labels.includes(label),
  );
  let action: Writes["comment"]["action"] = "none";
  if (!current.comment) {
    if (wantsComment(plan)) action = "create";
  } else if (!sameBesidesDeliveries(current.comment.body, commentBody)) {
    action = "update";
  }
  return { addLabels, removeLabels, comment: { action, body: commentBody } };
}

export function hasWrites(writes: Writes): boolean {
  return (
    writes.addLabels.length > 0 ||
    writes.removeLabels.length > 0 ||
    writes.comment.action !== "none"
  );
}

/**
 * Apply writes in a safe order: labels first, then the comment that records them. `labeled`:
 * labels the board's add-card mutation already put on the issue, not added again.
 */
export async function applyWrites(
  github: GitHub,
  ref: IssueRef,
  writes: Writes,
  current: CurrentIssue,
  policy: Policy,
  log: Logger,
  labeled: readonly string[] = [],
): Promise<void> {
  const addLabels = writes.addLabels.filter((label) => !labeled.includes(label));
  if (addLabels.length) {
    await ensureLabels(github, ref, addLabels, (name) => labelStyle(name, policy), log);
    // Adding is additive on GitHub: the issue's other labels are untouched.
    await github.rest.issues.addLabels({ ...ref, labels: addLabels });
  }
  for (const name of writes.removeLabels) {
    try {
      await github.rest.issues.removeLabel({ ...ref, name });
    } catch (error) {
      // Already gone (someone removed it meanwhile) is the state we wanted.
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  if (writes.comment.action === "create") {
    await github.rest.issues.createComment({ ...ref, body: writes.comment.body });
  } else if (writes.comment.action === "update" && current.comment) {
    await github.rest.issues.updateComment({
      owner: ref.owner,
      repo: ref.repo,
      comment_id: current.comment.id,
      body: writes.comment.body,
    });
  }
}

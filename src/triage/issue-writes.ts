// What must change on an issue's labels and bot comment: the one label planner, for sysadmin
// requests and tier issues alike. Pure, so tests and a dry run see exactly what would be written.
import type { Policy } from "../registry/policy.js";
import { wantsComment } from "./comment-text.js";
import { isAppLabel } from "./label-names.js";
import { sameBesidesDeliveries, type IssueLabelsAndState } from "./state.js";
import type { TriagePlan } from "./types.js";

/** Labels to add and remove, and what becomes of the bot comment. */
export interface IssueWrites {
  addLabels: string[];
  removeLabels: string[];
  /** `id`: the bot comment to update. */
  comment: { action: "create" | "update" | "none"; body: string; id?: number };
}

/** The issue as the app reads it before writing: its labels, state and bot comment. */
export interface CurrentIssue extends IssueLabelsAndState {
  comment?: { id: number; body: string };
}

/** What the issue should carry. */
export interface WantedIssue {
  labels: readonly string[];
  body: string;
  /** Whether the issue needs the bot comment at all (one is never deleted). */
  wantsComment: boolean;
  /** Labels a command replaced: removed even though a person set them. */
  displace?: readonly string[];
  /** Which labels are the app's to remove when the plan no longer has them (default: all it
   * recorded as applied). */
  owned?: (label: string) => boolean;
}

/** The wanted labels the issue lacks. */
export function labelsToAdd(labels: readonly string[], current: IssueLabelsAndState): string[] {
  const present = new Set(current.labels);
  return labels.filter((label) => !present.has(label));
}

/**
 * Labels: add what is wanted and missing; remove only labels the app itself added (recorded in
 * its state) that are no longer wanted, and those a command displaced. A person's labels are
 * never removed otherwise. Comment: created once, then edited in place when its text changed.
 */
export function planIssueWrites(current: CurrentIssue, want: WantedIssue): IssueWrites {
  const ours = new Set(current.previous?.applied ?? []);
  const owned = want.owned ?? (() => true);
  const displaced = want.displace ?? [];
  // A displaced label is removed even when the command already took it off `current.labels`
  // (the labels as the command left them), for GitHub still has it.
  const removeLabels = [
    ...current.labels.filter(
      (l) => ours.has(l) && owned(l) && !want.labels.includes(l) && !displaced.includes(l),
    ),
    ...displaced,
  ];
  let action: IssueWrites["comment"]["action"] = "none";
  if (!current.comment) {
    if (want.wantsComment) action = "create";
  } else if (!sameBesidesDeliveries(current.comment.body, want.body)) {
    action = "update";
  }
  return {
    addLabels: labelsToAdd(want.labels, current),
    removeLabels,
    comment: { action, body: want.body, ...(current.comment ? { id: current.comment.id } : {}) },
  };
}

export function hasIssueWrites(writes: IssueWrites): boolean {
  return (
    writes.addLabels.length > 0 ||
    writes.removeLabels.length > 0 ||
    writes.comment.action !== "none"
  );
}

/** A sysadmin request's writes: of the labels the plan drops, only the app's own go. */
export function requestWrites(
  plan: TriagePlan,
  current: CurrentIssue,
  body: string,
  policy: Policy,
  displace: readonly string[] = [],
): IssueWrites {
  return planIssueWrites(current, {
    labels: plan.labels,
    body,
    wantsComment: wantsComment(plan),
    displace,
    owned: (label) => isAppLabel(label, policy),
  });
}

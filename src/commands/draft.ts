// What a comment's commands change, while they run: the working copy each command's apply
// function edits. Pure.
import type { Policy } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import type { Binding } from "../tiers/approval.js";
import { readLabel, type LabelMeaning } from "../triage/label-names.js";
import type { Commanded, RecordedState } from "../triage/types.js";
import type { TimeEntry } from "../triage/time-log.js";

/** What is known about the person who wrote the command. */
export interface Actor {
  login: string;
  /** Write, maintain or admin on the repository, or member of the configured team. */
  maintainer: boolean;
  /** Member of the instance-managers circle's team (`reports.circle_team`). */
  circle?: boolean;
  /** Member of the jobs-board developers' team (`jobs.developers`), when one is set. */
  developer?: boolean;
}

/** The issue as it stands when the command is read. */
export interface CommandScope {
  author?: string;
  instances: string[];
  outcome: string;
  /** The developer who took the request's job on the jobs board, if anyone has. */
  taker?: string;
  /** Set on a tier application or review (the circle's to decide, not a request). */
  tier?: TierScope;
}

/** A tier application or review, as the tier commands see it. */
export interface TierScope {
  kind: "application" | "review";
  /** What is still missing, in words, for each tier the circle could approve. */
  missing: Record<"basic" | "full", string[]>;
  /** What an approval binds: the issue as the approver saw it (the comment's delivery). */
  binding?: Binding;
  /** How the issue changed since the approver's comment was delivered, in words. */
  edited?: string;
  /** The comment is answered without its delivery (the sweep found it unanswered): what the
   * issue read when it was written is unknown, so nothing can be bound to it. */
  unseen?: boolean;
}

export interface CommandContext {
  actor: Actor;
  scope: CommandScope;
  previous: RecordedState | undefined;
  labels: readonly string[];
  registry: Registry;
  policy: Policy;
  /** When the comment was written (ISO time), for the dates a job and a time entry record; the
   * handler sets it. */
  now?: string;
  /** The id of the comment the commands are in. */
  comment?: number;
  /** The day the comment was written, like 2026-11-25, when known. */
  writtenOn?: string;
}

/** Working copy of what a comment changes. */
export interface Draft {
  commanded: Commanded;
  /** What was logged: the totals older records kept, and every entry since. */
  logged: Pick<RecordedState, "time"> & { entries: TimeEntry[] };
  labels: string[];
  applied: string[];
  suppressed: string[];
  displace: Set<string>;
  scope: CommandScope;
}

export type Step = { ok: true } | { ok: false; message: string };
export const ok: Step = { ok: true };

/** Set one dimension: the new label replaces the others on that dimension, whoever set them. */
export function setDimension(
  draft: Draft,
  dimension: LabelMeaning["dimension"],
  keep: string[],
  policy: Policy,
): void {
  for (const label of draft.labels) {
    if (readLabel(label, policy)?.dimension === dimension && !keep.includes(label))
      draft.displace.add(label);
  }
  draft.labels = draft.labels.filter((l) => !draft.displace.has(l));
  // Displaced labels are not "removed by a person": they must not become suppressed.
  draft.applied = draft.applied.filter((l) => !draft.displace.has(l));
  draft.suppressed = draft.suppressed.filter((l) => !keep.includes(l));
}

// What the app does about a tier application or review, decided from the issue and its recorded
// state: its labels, whether the circle is mentioned, and what the circle's decision still asks
// of the app (open the registry pull request, tell the applicant, close the issue). Pure.
import type { Policy } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import type { ApplicationRecord, RecordedState, TierDecision } from "../triage/state.js";
import { changeFrom, voidReason } from "./approval.js";
import { missingNow, type TierIssue } from "./read.js";
import type { TierChange } from "./registry-edit.js";

export interface TierInput {
  read: TierIssue;
  labels: readonly string[];
  previous?: RecordedState;
  state: "open" | "closed";
  registry: Registry;
  policy: Policy;
}

/** A step the circle's decision asks of the app, not done yet. */
export type TierAct =
  | { kind: "approve"; decision: TierDecision; change: TierChange; openPull: boolean }
  | { kind: "decline"; decision: TierDecision }
  /** The issue no longer reads as it did when approved: the approval is void. */
  | { kind: "void"; decision: TierDecision; why: string };

export interface TierPlan {
  /** The app's labels the issue should carry. */
  labels: string[];
  /** Labels the app added that a person removed: never added again. */
  suppressed: string[];
  act?: TierAct;
  /** Mention the circle's team now: the application became complete. */
  mention: boolean;
  /** Whether the issue needs the bot comment at all (a review only once decided). */
  wantsComment: boolean;
}

function actFor(
  decision: TierDecision | undefined,
  record: ApplicationRecord,
): TierAct | undefined {
  if (!decision || record.told === decision.outcome) return undefined;
  if (decision.outcome === "declined") return { kind: "decline", decision };
  // Built from what was approved, never from the issue as it reads now.
  if (!decision.approved) return undefined;
  const change = changeFrom(decision.approved, decision.tier ?? "basic");
  return { kind: "approve", decision, change, openPull: !record.pull };
}

export function planTierIssue(input: TierInput): TierPlan {
  const { read, previous, policy } = input;
  const record = previous?.application ?? {};
  const recorded = previous?.commanded?.tier;
  const why = voidReason(read, recorded, record.merged === true);
  // A void approval is no decision: the application waits for the circle again.
  const decision = why ? undefined : recorded;
  const complete = missingNow(read).length === 0;
  // A label the app added that is gone was removed by a person: it stays off.
  const removed = (previous?.applied ?? []).filter((l) => !input.labels.includes(l));
  const suppressed = [...new Set([...(previous?.suppressed ?? []), ...removed])];
  const wanted =
    read.kind === "application"
      ? [
          policy.reports.application_label,
          ...(!complete && !decision ? [policy.labels.needs_info] : []),
        ]
      : [];
  return {
    labels: wanted.filter((l) => !suppressed.includes(l)),
    suppressed,
    act: why && recorded ? { kind: "void", decision: recorded, why } : actFor(decision, record),
    // The note that says an approval is void mentions the circle itself.
    mention:
      read.kind === "application" &&
      complete &&
      !decision &&
      !why &&
      !record.mentioned &&
      input.state === "open" &&
      policy.reports.circle_team !== null,
    wantsComment: read.kind === "application" || decision !== undefined || why !== undefined,
  };
}

// What the app does about a tier application or review, decided from the issue and its recorded
// state: its labels, whether the circle is mentioned, and what the circle's decision still asks
// of the app (open the registry pull request, tell the applicant, close the issue). Pure.
import type { Policy } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import type { ApplicationRecord, RecordedState, TierDecision } from "../triage/state.js";
import { evidenceLinks, missingNow, type TierIssue } from "./read.js";
import type { TierChange } from "./registry-edit.js";

export interface TierInput {
  read: TierIssue;
  labels: readonly string[];
  previous?: RecordedState;
  state: "open" | "closed";
  registry: Registry;
  policy: Policy;
  /** Today, like 2026-11-25: the day a decision records as `reviewed`. */
  today: string;
}

/** A step the circle's decision asks of the app, not done yet. */
export type TierAct =
  | { kind: "approve"; decision: TierDecision; change: TierChange; openPull: boolean }
  | { kind: "decline"; decision: TierDecision };

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

/** The registry change an approval makes. */
export function changeFor(read: TierIssue, decision: TierDecision, today: string): TierChange {
  const fresh = read.kind === "application" ? read.newInstance : undefined;
  return {
    code: read.code ?? "",
    tier: decision.tier ?? "basic",
    reviewed: today,
    evidence: evidenceLinks(read),
    ...(fresh
      ? {
          newInstance: {
            name: fresh.name ?? read.code ?? "",
            hosts: fresh.hosts,
            aliases: fresh.aliases,
          },
        }
      : {}),
  };
}

function actFor(
  read: TierIssue,
  decision: TierDecision | undefined,
  record: ApplicationRecord,
  today: string,
): TierAct | undefined {
  if (!decision || record.told === decision.outcome) return undefined;
  if (decision.outcome === "declined") return { kind: "decline", decision };
  const change = changeFor(read, decision, today);
  return { kind: "approve", decision, change, openPull: !record.pull };
}

export function planTierIssue(input: TierInput): TierPlan {
  const { read, previous, policy } = input;
  const decision = previous?.commanded?.tier;
  const record = previous?.application ?? {};
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
    act: actFor(read, decision, record, input.today),
    mention:
      read.kind === "application" &&
      complete &&
      !decision &&
      !record.mentioned &&
      input.state === "open" &&
      policy.reports.circle_team !== null,
    wantsComment: read.kind === "application" || decision !== undefined,
  };
}

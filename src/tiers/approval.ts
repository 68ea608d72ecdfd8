// An approval is bound to what the circle approved: the instance, the tier asked, a new
// instance's name, hosts and aliases, and a digest of every evidence answer, as the application
// read when the approval was given. The registry pull request is built from that record, never
// from the issue as it reads later; an application that reads differently makes the approval
// void. Pure.
import { createHash } from "node:crypto";
import { INSTANCE_CODE } from "../registry/schema.js";
import type { Approved, TierDecision } from "../triage/state.js";
import { evidenceLinks, type TierIssue } from "./read.js";
import type { TierChange } from "./registry-edit.js";

/** What an approval binds, before the approval's own facts (its comment and day) are added. */
export type Binding = Omit<Approved, "comment" | "on">;

/** Everything the circle looked at, in a canonical form: its digest changes with any answer. */
function canonical(read: TierIssue): unknown {
  if (read.kind === "review") return { kind: read.kind, code: read.code, reviewed: read.reviewed };
  return {
    kind: read.kind,
    code: read.code,
    asked: read.tier,
    newInstance: read.newInstance,
    evidence: read.evidence.map((a) => [a.question.key, a.text]),
  };
}

export function digestOf(read: TierIssue): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(read)))
    .digest("hex");
}

/** What an approval given now would bind, or undefined when the issue names no instance. */
export function bindingOf(read: TierIssue): Binding | undefined {
  if (!read.code || !INSTANCE_CODE.test(read.code)) return undefined;
  const fresh = read.kind === "application" ? read.newInstance : undefined;
  return {
    kind: read.kind,
    code: read.code,
    ...(read.kind === "application" && read.tier ? { asked: read.tier } : {}),
    digest: digestOf(read),
    evidence: evidenceLinks(read),
    ...(fresh
      ? {
          newInstance: {
            name: fresh.name ?? read.code,
            hosts: fresh.hosts,
            aliases: fresh.aliases,
          },
        }
      : {}),
  };
}

/** A code as the words may show it: only a well-formed code is echoed. */
const shown = (code: string | undefined) =>
  code && INSTANCE_CODE.test(code) ? `\`${code}\`` : "another instance";

/**
 * How the issue now differs from what was approved, in words ("its instance (`de` → `nz`)"),
 * or undefined when it reads as it did.
 */
export function driftOf(approved: Binding, read: TierIssue): string | undefined {
  if (digestOf(read) === approved.digest && read.code === approved.code) return undefined;
  const changed: string[] = [];
  if (read.code !== approved.code)
    changed.push(`its instance (${shown(approved.code)} → ${shown(read.code)})`);
  const asked = read.kind === "application" ? read.tier : undefined;
  if (asked !== approved.asked)
    changed.push(`the tier it asks (${approved.asked ?? "none"} → ${asked ?? "none"})`);
  if (!changed.length) {
    const now = bindingOf(read)?.newInstance;
    const same = JSON.stringify(now) === JSON.stringify(approved.newInstance);
    changed.push(same ? "its evidence" : "the new instance's name, hosts or aliases");
  }
  return changed.join(" and ");
}

/** Why a standing approval no longer holds for the issue as it reads now, or undefined. */
export function voidReason(
  read: TierIssue,
  decision: TierDecision | undefined,
  merged: boolean,
): string | undefined {
  if (decision?.outcome !== "approved" || merged) return undefined;
  // An approval recorded before approvals were bound cannot be shown to be what was approved.
  if (!decision.approved)
    return "the app did not record what that approval was for (it was given before the app kept that)";
  const drift = driftOf(decision.approved, read);
  return drift && `the application changed after it was approved: ${drift}`;
}

/** The registry change an approval makes, from its record alone. */
export function changeFrom(approved: Approved, tier: "basic" | "full"): TierChange {
  return {
    code: approved.code,
    tier,
    reviewed: approved.on,
    evidence: approved.evidence,
    ...(approved.newInstance ? { newInstance: approved.newInstance } : {}),
  };
}

/** The issue an approval is on, as GitHub names it. */
export interface IssueWhere {
  repo: string;
  number: number;
}

/** A short key of one decision: the same approval always has it, another never. */
export function decisionKey(decision: TierDecision, where: IssueWhere): string {
  const { approved, tier, by } = decision;
  const seed = JSON.stringify([where.repo.toLowerCase(), where.number, tier, by, approved]);
  return createHash("sha256").update(seed).digest("hex").slice(0, 12);
}

/** The decision's own registry branch: named for the issue and the decision's key. */
export function decisionBranch(decision: TierDecision, where: IssueWhere): string {
  const kind = decision.approved?.kind ?? "application";
  const repoName = where.repo.split("/")[1] ?? "issue";
  return `sysadmin-pipe/tier-${kind}-${repoName}-${where.number}-${decisionKey(decision, where)}`;
}

/** The message of the decision's commit: from the decision alone, so a retry writes the same. */
export function decisionCommitMessage(decision: TierDecision, where: IssueWhere): string {
  const code = decision.approved?.code ?? "?";
  return `Tier: ${code} → ${decision.tier ?? "basic"} (${decision.approved?.kind ?? "application"} ${where.repo}#${where.number}, decision ${decisionKey(decision, where)})`;
}

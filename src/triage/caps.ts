// Hour caps: a new request that would take an instance over its tier's pipe hours for the
// month or quarter goes to the jobs board instead, with the figures. Off unless the policy sets
// `hour_cap` on a tier. Pure: the hours used come in from the caller (counted on GitHub).
import type { Policy } from "../registry/policy.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { planLabels } from "./label-names.js";
import type { Commanded, TriagePlan } from "./types.js";

/** Pipe hours an instance has used in the cap's current period (this request excluded). */
export type HoursUsed = ReadonlyMap<string, number>;

const fmt = (n: number) => String(Math.round(n * 10) / 10);

/** The instances whose cap this plan must be checked against (a new, accepted request). */
export function cappedInstances(plan: TriagePlan, registry: Registry, policy: Policy): string[] {
  if (plan.outcome !== "accepted" || plan.decidedBy || plan.jobBoard) return [];
  return plan.verdicts
    .filter((v) => v.covered && policy.tiers[instanceOf(registry, v.code)?.tier ?? "none"].hour_cap)
    .map((v) => v.code);
}

export function applyHourCaps(
  plan: TriagePlan,
  used: HoursUsed,
  registry: Registry,
  policy: Policy,
  /** What people said: a capped request may have been sent to the jobs board. */
  commanded?: Commanded,
): TriagePlan {
  const codes = cappedInstances(plan, registry, policy);
  if (!codes.length) return plan;
  const request = policy.size_hours[plan.size];
  const notes: string[] = [];
  const verdicts = plan.verdicts.map((v) => {
    if (!codes.includes(v.code)) return v;
    const rules = policy.tiers[v.tier];
    const cap = rules.hour_cap!;
    const already = used.get(v.code) ?? 0;
    const figures = `${v.display} has used ${fmt(already)} of ${fmt(cap.hours)} pipe hours this ${cap.per}; this ${plan.size} request is about ${fmt(request)}`;
    if (already + request <= cap.hours) return v;
    // An emergency on a tier with S0 response is never blocked; it still counts.
    if (plan.severity === "S0" && rules.s0_response) {
      notes.push(
        `${figures}: over the cap, but S0 emergencies are never blocked (the hours still count).`,
      );
      return v;
    }
    return {
      ...v,
      covered: false,
      reason: `${figures}, over the cap`,
      instead: ["job-board" as const, "tier-review" as const],
    };
  });
  const covered = verdicts.some((v) => v.covered);
  const capped: TriagePlan = {
    ...plan,
    verdicts,
    outcome: covered ? "accepted" : "rejected",
    reasons: [
      ...verdicts.map((v) => v.reason),
      ...plan.reasons.filter((r) => !plan.verdicts.some((v) => v.reason === r)),
      ...notes,
    ],
  };
  // Over the cap is "not covered": `/job-board` works as for any request its tier does not cover.
  const jobBoard = capped.outcome === "rejected" && commanded?.jobBoard !== undefined;
  const onBoard = { ...capped, jobBoard, job: jobBoard ? commanded?.job : undefined };
  return { ...onBoard, labels: planLabels(onBoard, policy) };
}

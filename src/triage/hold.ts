// While the live registry is broken the app cannot trust a tier: it rejects nothing, and asks
// a person instead (needs-triage). Pure.
import type { Policy } from "../registry/policy.js";
import { planLabels } from "./label-names.js";
import type { TriagePlan } from "./types.js";

export const HOLD_REASON =
  "The tier registry on the default branch is invalid right now, so the bot will not reject anything on it: a maintainer will look at this request by hand.";

export function holdRejection(plan: TriagePlan, policy: Policy): TriagePlan {
  if (plan.outcome !== "rejected" || plan.decidedBy) return plan;
  const held: TriagePlan = {
    ...plan,
    outcome: "needs-info",
    held: true,
    jobBoard: false,
    reasons: [HOLD_REASON, ...plan.reasons],
  };
  return { ...held, labels: planLabels(held, policy) };
}

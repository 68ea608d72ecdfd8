// Who must hear about a decision at once: an accepted S0, a new jobs-board item. Each is told
// once per issue (the state records it). Pure.
import { chatText, isLinkable } from "../markup/inert.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { displayName } from "./coverage.js";
import type { RecordedState, TriagePlan } from "./types.js";

export interface Alert {
  kind: "s0" | "jobs";
  text: string;
}

export interface IssueLink {
  url: string;
  title: string;
}

export function alertsFor(
  plan: TriagePlan,
  previous: RecordedState | undefined,
  issue: IssueLink,
  registry: Registry,
): Alert[] {
  const names = plan.instances.map((c) => chatText(displayName(c, instanceOf(registry, c)), 100));
  const title = chatText(issue.title, 200);
  // Slack's link: <address|label>. An address that could end it early is not linked.
  const link = isLinkable(issue.url) ? `<${issue.url}|${title}>` : title;
  const alerts: Alert[] = [];
  if (plan.outcome === "accepted" && plan.severity === "S0" && !previous?.alerted?.s0) {
    alerts.push({
      kind: "s0",
      text: `:rotating_light: S0 emergency for ${names.join(", ")}: ${link}`,
    });
  }
  if (plan.jobBoard && !previous?.alerted?.jobs) {
    alerts.push({
      kind: "jobs",
      text: `:briefcase: New on the jobs board (paid work, invoiced to ${names.join(", ")}): ${link}`,
    });
  }
  return alerts;
}

/** The state's record of alerts sent, including these. */
export function withAlerted(
  alerted: RecordedState["alerted"],
  alerts: readonly Alert[],
): RecordedState["alerted"] {
  if (!alerts.length) return alerted;
  const next = { ...alerted };
  for (const a of alerts) next[a.kind] = true;
  return next;
}

// Which open pipe requests a registry or policy change would decide differently: triage is run
// again on them, read-only, under the old and the new configuration. Pure.
import type { TriageConfig } from "../../registry/triage-config.js";
import { codeSpan, link, pipesEscaped, plainText } from "../../markup/inert.js";
import { decide } from "../../triage/decide.js";
import type { Outcome } from "../../registry/vocabulary.js";
import { instanceOf } from "../../registry/schema.js";

export interface OpenRequest {
  repo: string;
  number: number;
  title: string;
  body: string;
  labels: string[];
  url?: string;
}

export interface AffectedRequest {
  repo: string;
  number: number;
  title: string;
  url?: string;
  before: Outcome;
  after: Outcome;
  /** Instances the request names that the new registry no longer has. */
  removedInstances: string[];
}

/**
 * The issue's labels stand for the decision as it is now (the app's and people's alike), so
 * both runs judge the same request; only the registry and policy differ.
 */
export function affectedRequests(
  requests: readonly OpenRequest[],
  old: TriageConfig,
  now: TriageConfig,
): AffectedRequest[] {
  return requests.flatMap((r) => {
    const input = { repo: r.repo, title: r.title, body: r.body, labels: r.labels };
    const before = decide(input, old.registry, old.policy);
    const after = decide(input, now.registry, now.policy);
    const removedInstances = before.instances.filter((c) => !instanceOf(now.registry, c));
    if (before.outcome === after.outcome && !removedInstances.length) return [];
    return [
      {
        repo: r.repo,
        number: r.number,
        title: r.title,
        ...(r.url ? { url: r.url } : {}),
        before: before.outcome,
        after: after.outcome,
        removedInstances,
      },
    ];
  });
}

export function renderAffected(affected: readonly AffectedRequest[]): string {
  if (!affected.length) return "No open pipe request would be decided differently.";
  return [
    "| open request | now | with this change |",
    "| --- | --- | --- |",
    ...affected.map((a) => {
      const name = `${a.repo}#${a.number}`;
      const linked = a.url ? link(name, a.url) : name;
      const gone = a.removedInstances.length
        ? ` (names removed instance ${a.removedInstances.map((c) => codeSpan(c, 40)).join(", ")})`
        : "";
      return `| ${pipesEscaped(`${linked} ${plainText(a.title, 80)}`)} | ${a.before} | ${pipesEscaped(`${a.after}${gone}`)} |`;
    }),
  ].join("\n");
}

// The "Tier registry" check run's verdict and text, from the validation, the diff and the open
// requests it would change. Pure.
import { codeSpan } from "../../markup/inert.js";
import type { AffectedRequest } from "./affected.js";
import { renderAffected } from "./affected.js";
import { renderDiff, type RegistryDiff } from "./diff.js";
import type { ConfigProblem } from "../../registry/yaml-load.js";
import type { Annotation, CheckRun } from "../../github/checks.js";

export const CHECK_NAME = "Tier registry";

/** The Tier registry check's verdict: a check run as the GitHub port publishes it. */
export type CheckReport = CheckRun;

export function annotationFor(problem: ConfigProblem): Annotation {
  return {
    path: problem.file,
    start_line: problem.line,
    end_line: problem.line,
    start_column: problem.column,
    end_column: problem.column,
    annotation_level: "failure",
    title: "Tier registry problem",
    message: problem.message,
  };
}

export function checkReport(
  problems: readonly ConfigProblem[],
  diff: RegistryDiff | undefined,
  affected: readonly AffectedRequest[] | undefined,
): CheckReport {
  const change = diff
    ? [
        "### What this change means",
        "",
        renderDiff(diff),
        "",
        "### Open pipe requests",
        "",
        renderAffected(affected ?? []),
      ]
    : [];
  if (problems.length) {
    const n = problems.length;
    return {
      name: CHECK_NAME,
      conclusion: "failure",
      title: `${n} problem${n === 1 ? "" : "s"} to fix before merging`,
      summary: [
        `The registry change cannot be merged yet: ${n === 1 ? "one line needs" : `${n} lines need`} fixing. Each problem is marked on its line in **Files changed**:`,
        "",
        ...problems.map(
          (p) => `- ${codeSpan(p.file, 120)} line ${p.line}, column ${p.column}: ${p.message}`,
        ),
        ...(change.length ? ["", ...change] : []),
      ].join("\n"),
      annotations: problems.map(annotationFor),
    };
  }
  return {
    name: CHECK_NAME,
    conclusion: "success",
    title: diff ? summaryTitle(diff) : "The registry is valid",
    summary: ["The registry, policy and issue form are valid.", "", ...change].join("\n").trim(),
    annotations: [],
  };
}

function summaryTitle(d: RegistryDiff): string {
  const parts: string[] = [];
  const tiers = d.changed.filter((c) => c.tier);
  if (tiers.length)
    parts.push(tiers.map((c) => `${c.code}: ${c.tier!.from} → ${c.tier!.to}`).join(", "));
  if (d.added.length) parts.push(`${d.added.length} added`);
  if (d.removed.length) parts.push(`${d.removed.length} removed`);
  if (d.caps.some((c) => c.cap !== "response")) parts.push("caps changed");
  if (d.caps.some((c) => c.cap === "response")) parts.push("response promises changed");
  if (!tiers.length && d.changed.length) parts.push("coverage changed");
  return parts.length ? `Valid: ${parts.join("; ")}` : "Valid: no tier or coverage change";
}

// The app's label vocabulary: building label names from a plan and reading them back.
import type { LabelNames, Policy } from "../registry/policy.js";
import type { TriagePlan } from "./types.js";
import {
  isCategory,
  isSeverity,
  isSize,
  type Category,
  type Severity,
  type Size,
} from "../registry/vocabulary.js";

export type LabelMeaning =
  | { dimension: "instance"; value: string }
  | { dimension: "category"; value: Category }
  | { dimension: "severity"; value: Severity }
  | { dimension: "size"; value: Size }
  | { dimension: "flag"; value: string };

export const instanceLabel = (l: LabelNames, code: string) => `${l.instance_prefix}${code}`;
export const categoryLabel = (l: LabelNames, c: Category) => `${l.category_prefix}${c}`;
export const severityLabel = (l: LabelNames, s: Severity) => `${l.severity_prefix}${s}`;
export const sizeLabel = (l: LabelNames, s: Size) => `${l.size_prefix}${s}`;

function strip(label: string, prefix: string): string | undefined {
  return label.startsWith(prefix) ? label.slice(prefix.length) : undefined;
}

/** What a label means in the app's vocabulary, or undefined for anyone else's label. */
export function readLabel(label: string, policy: Policy): LabelMeaning | undefined {
  const l = policy.labels;
  const flags = [l.pipe, l.install, l.needs_triage, l.not_covered, l.job_board];
  if (flags.includes(label)) return { dimension: "flag", value: label };
  const severity = strip(label, l.severity_prefix);
  if (severity !== undefined && isSeverity(severity))
    return { dimension: "severity", value: severity };
  const size = strip(label, l.size_prefix);
  if (size !== undefined && isSize(size)) return { dimension: "size", value: size };
  const category = strip(label, l.category_prefix);
  if (category !== undefined && isCategory(category))
    return { dimension: "category", value: category };
  const code = strip(label, l.instance_prefix);
  if (code !== undefined && /^[a-z0-9][a-z0-9-]{0,19}$/.test(code))
    return { dimension: "instance", value: code };
  return undefined;
}

export function isAppLabel(label: string, policy: Policy): boolean {
  return readLabel(label, policy) !== undefined;
}

/** Colours and descriptions used when the app creates its labels in a repository. */
export function labelStyle(label: string, policy: Policy): { color: string; description: string } {
  const meaning = readLabel(label, policy);
  const l = policy.labels;
  switch (meaning?.dimension) {
    case "severity":
      return {
        color: { S0: "b60205", S1: "d93f0b", S2: "fbca04", S3: "c2e0c6" }[meaning.value],
        description: `Severity ${meaning.value} (sysadmin pipe)`,
      };
    case "size":
      return { color: "bfd4f2", description: `Size ${meaning.value} (sysadmin pipe)` };
    case "category":
      return {
        color: "d4c5f9",
        description: policy.categories[meaning.value].description.slice(0, 100),
      };
    case "instance":
      return { color: "0e8a16", description: `About the ${meaning.value} instance` };
    default:
      break;
  }
  const flags = new Map<string, { color: string; description: string }>([
    [l.pipe, { color: "1d76db", description: "Instance sysadmin work in the sysadmin pipe" }],
    [l.install, { color: "5319e7", description: "ofn-install's own work, not instance-specific" }],
    [l.needs_triage, { color: "e99695", description: "The sysadmin pipe needs more information" }],
    [l.not_covered, { color: "cccccc", description: "Not covered by the instance's support tier" }],
    [l.job_board, { color: "f9d0c4", description: "Paid extra work on the jobs board" }],
    [l.needs_info, { color: "e99695", description: "A tier application that lacks evidence" }],
    [
      policy.reports.application_label,
      {
        color: "0052cc",
        description: "A tier application, for the instance-managers circle to decide",
      },
    ],
  ]);
  return flags.get(label) ?? { color: "ededed", description: "" };
}

/**
 * The app's labels for a plan: the one place they are decided. Every step that changes a plan
 * (decide, hour caps, a hold while the registry is broken) derives them again from here, so a
 * label a person removed (the plan's `suppressed`) is never added back by any of them.
 */
export function planLabels(plan: TriagePlan, policy: Policy): string[] {
  const l = policy.labels;
  const labels: string[] = [];
  if (plan.outcome === "undecided") labels.push(l.needs_triage);
  else if (plan.kind === "install") labels.push(l.install);
  else if (plan.kind === "instance") {
    labels.push(l.pipe, ...plan.instances.map((code) => instanceLabel(l, code)));
    if (plan.outcome === "needs-info") labels.push(l.needs_triage);
    // Without a category, severity and size are only defaults: don't label a guess.
    if (plan.category || plan.sources.severity !== "default")
      labels.push(severityLabel(l, plan.severity));
    if (plan.category) labels.push(sizeLabel(l, plan.size), categoryLabel(l, plan.category));
    if (plan.outcome === "rejected") labels.push(l.not_covered);
    if (plan.jobBoard) labels.push(l.job_board);
  }
  return labels.filter((label) => !plan.suppressed.includes(label));
}

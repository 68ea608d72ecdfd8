// The load report: what the pipe really carried in a period, per instance and tier, with pipe
// hours and jobs-board hours kept apart everywhere. Pure: figures from records, then Markdown.
import { plainText, tableCell } from "../markup/inert.js";
import type { Policy } from "../registry/policy.js";
import { instanceOf, type Registry, type Tier } from "../registry/schema.js";
import { displayName } from "../triage/coverage.js";
import {
  SEVERITIES,
  SIZES,
  type Outcome,
  type Severity,
  type Size,
} from "../registry/vocabulary.js";
import { inPeriod, type Period } from "./period.js";

/** One request in the pipe, as read from GitHub (labels and the bot comment's state). */
export interface PipeRecord {
  repo: string;
  number: number;
  title: string;
  createdAt: string;
  instances: string[];
  severity?: Severity;
  size?: Size;
  category?: string;
  outcome?: Outcome;
  jobBoard: boolean;
  /** Logged with /spent, in minutes. */
  pipeMinutes: number;
  jobsMinutes: number;
  /** When someone other than the author and the bot first answered. */
  firstResponseAt?: string;
}

export interface InstanceLoad {
  code: string;
  name: string;
  tier: Tier | "unknown";
  requests: number;
  bySeverity: Record<Severity, number>;
  bySize: Record<Size, number>;
  accepted: number;
  rejected: number;
  jobsBoard: number;
  /** Nominal hours of accepted pipe requests (policy's size_hours). */
  estimatedHours: number;
  pipeHours: number;
  jobsHours: number;
}

export interface LoadReport {
  period: Period;
  instances: InstanceLoad[];
  totals: Omit<InstanceLoad, "code" | "name" | "tier">;
  categories: { category: string; requests: number }[];
  s0: { count: number; medianFirstResponseMinutes?: number; unanswered: number };
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
const zeroes = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function emptyLoad(): Omit<InstanceLoad, "code" | "name" | "tier"> {
  return {
    requests: 0,
    bySeverity: zeroes(SEVERITIES),
    bySize: zeroes(SIZES),
    accepted: 0,
    rejected: 0,
    jobsBoard: 0,
    estimatedHours: 0,
    pipeHours: 0,
    jobsHours: 0,
  };
}

function add(
  load: Omit<InstanceLoad, "code" | "name" | "tier">,
  r: PipeRecord,
  policy: Policy,
  share: number,
) {
  load.requests++;
  if (r.severity) load.bySeverity[r.severity]++;
  if (r.size) load.bySize[r.size]++;
  if (r.jobBoard) load.jobsBoard++;
  else if (r.outcome === "accepted") load.accepted++;
  else if (r.outcome === "rejected") load.rejected++;
  // A request for several instances is shared between them, so totals are not counted twice.
  if (r.outcome === "accepted" && !r.jobBoard && r.size)
    load.estimatedHours += policy.size_hours[r.size] * share;
  load.pipeHours += hours(r.pipeMinutes) * share;
  load.jobsHours += hours(r.jobsMinutes) * share;
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function loadReport(
  records: readonly PipeRecord[],
  period: Period,
  registry: Registry,
  policy: Policy,
): LoadReport {
  const inside = records.filter((r) => inPeriod(r.createdAt, period));
  const byInstance = new Map<string, InstanceLoad>();
  const totals = emptyLoad();
  const categories = new Map<string, number>();
  for (const r of inside) {
    const codes = r.instances.length ? r.instances : ["unknown"];
    for (const code of codes) {
      const instance = instanceOf(registry, code);
      const load =
        byInstance.get(code) ??
        ({
          code,
          name: instance ? displayName(code, instance) : code,
          tier: instance?.tier ?? "unknown",
          ...emptyLoad(),
        } as InstanceLoad);
      add(load, r, policy, 1 / codes.length);
      byInstance.set(code, load);
    }
    add(totals, r, policy, 1);
    if (r.category) categories.set(r.category, (categories.get(r.category) ?? 0) + 1);
  }
  for (const l of [...byInstance.values(), totals]) {
    l.estimatedHours = round(l.estimatedHours);
    l.pipeHours = round(l.pipeHours);
    l.jobsHours = round(l.jobsHours);
  }
  const s0 = inside.filter((r) => r.severity === "S0");
  const responses = s0.flatMap((r) =>
    r.firstResponseAt ? [(Date.parse(r.firstResponseAt) - Date.parse(r.createdAt)) / 60_000] : [],
  );
  const med = median(responses);
  return {
    period,
    instances: [...byInstance.values()].sort(
      (a, b) => b.requests - a.requests || a.code.localeCompare(b.code),
    ),
    totals,
    categories: [...categories]
      .map(([category, requests]) => ({ category, requests }))
      .sort((a, b) => b.requests - a.requests || a.category.localeCompare(b.category)),
    s0: {
      count: s0.length,
      ...(med !== undefined ? { medianFirstResponseMinutes: Math.round(med) } : {}),
      unanswered: s0.length - responses.length,
    },
  };
}

/** Mermaid labels are quoted strings: no quotes or line breaks inside. */
const label = (text: string) => text.replace(/["\n\r]/g, "'");

export function renderLoadReport(report: LoadReport): string {
  const t = report.totals;
  const row = (name: string, tier: string, l: Omit<InstanceLoad, "code" | "name" | "tier">) =>
    `| ${name} | ${tier} | ${l.requests} | ${SEVERITIES.map((s) => l.bySeverity[s]).join(" / ")} | ${SIZES.map((s) => l.bySize[s]).join(" / ")} | ${l.accepted} | ${l.rejected} | ${l.jobsBoard} | ${l.estimatedHours} | ${l.pipeHours} | ${l.jobsHours} |`;
  const lines = [
    `# Sysadmin pipe load: ${report.period.label}`,
    "",
    `${t.requests} requests; ${t.accepted} accepted, ${t.rejected} rejected, ${t.jobsBoard} on the jobs board. ` +
      `Pipe hours logged: ${t.pipeHours} (estimated from sizes: ${t.estimatedHours}). ` +
      `Jobs-board hours logged: ${t.jobsHours}, paid extra work, not counted against the pipe.`,
    "",
    "| instance | tier | requests | S0 / S1 / S2 / S3 | XS / S / M / L | accepted | rejected | jobs board | estimated pipe h | logged pipe h | logged jobs-board h |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...report.instances.map((l) => row(tableCell(l.name, 100), l.tier, l)),
    row("**Total**", "", t),
    "",
    "## Emergencies (S0)",
    "",
    report.s0.count
      ? `${report.s0.count} S0 requests; median time to first response: ${report.s0.medianFirstResponseMinutes !== undefined ? `${report.s0.medianFirstResponseMinutes} minutes` : "none answered"}${report.s0.unanswered ? ` (${report.s0.unanswered} without a response yet)` : ""}.`
      : "No S0 requests.",
    "",
    "## Busiest categories",
    "",
    ...(report.categories.length
      ? report.categories.slice(0, 5).map((c) => `- ${plainText(c.category, 60)}: ${c.requests}`)
      : ["No requests."]),
  ];
  if (report.categories.length) {
    lines.push(
      "",
      "```mermaid",
      `pie title Requests by category, ${label(report.period.label)}`,
      ...report.categories.map((c) => `    "${label(c.category)}" : ${c.requests}`),
      "```",
    );
  }
  const withHours = report.instances.filter((l) => l.pipeHours || l.jobsHours);
  if (withHours.length) {
    lines.push(
      "",
      "```mermaid",
      "xychart-beta",
      `    title "Logged hours by instance (pipe, then jobs board)"`,
      `    x-axis [${withHours.map((l) => `"${label(l.code)}"`).join(", ")}]`,
      `    y-axis "hours"`,
      `    bar [${withHours.map((l) => l.pipeHours).join(", ")}]`,
      `    bar [${withHours.map((l) => l.jobsHours).join(", ")}]`,
      "```",
    );
  }
  return lines.join("\n") + "\n";
}

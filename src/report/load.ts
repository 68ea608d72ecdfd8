// The load report: what the pipe really carried in a period, per instance and tier, with pipe
// hours and jobs-board hours kept apart everywhere. Pure: figures from records, then Markdown.
import { plainText, tableCell } from "../markup/inert.js";
import type { Policy } from "../registry/policy.js";
import { instanceOf, type Registry, type Tier } from "../registry/schema.js";
import { displayName } from "../triage/coverage.js";
import { SEVERITIES, SIZES, type Severity, type Size } from "../registry/vocabulary.js";
import { forMinutes, formatMoney, type Money } from "../registry/money.js";
import { pipeHourCost } from "../registry/policy.js";
import { within, type TimeEntry } from "../triage/time-log.js";
import { developerMonths, renderDeveloperMonths, type DeveloperMonth } from "./developer-hours.js";
import { median } from "./median.js";
import { inPeriod, type Period } from "./period.js";
import type { PipeRecord } from "./pipe-records.js";
import { promiseRows, renderPromises, type PromiseRow } from "./promises.js";

export type { PipeRecord };

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
  /** Hours logged in the period (whenever the request was opened). */
  pipeHours: number;
  jobsHours: number;
  /** The pipe hours at the community's notional cost of an hour, when one is set. */
  pipeCost?: Money;
}

export interface LoadReport {
  period: Period;
  instances: InstanceLoad[];
  totals: Omit<InstanceLoad, "code" | "name" | "tier">;
  categories: { category: string; requests: number }[];
  s0: { count: number; medianFirstResponseMinutes?: number; unanswered: number };
  /** The response promises that fell due in the period, per tier and severity (promises.ts). */
  promises: PromiseRow[];
  /** The cost of a pipe hour the costs were worked out with. */
  hourCost?: Money;
  /** Each developer's pipe and jobs-board hours per month of the period. */
  developers: DeveloperMonth[];
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

type Load = Omit<InstanceLoad, "code" | "name" | "tier">;

/** A request opened in the period: counted, with its nominal hours. */
function addRequest(load: Load, r: PipeRecord, policy: Policy, share: number) {
  load.requests++;
  if (r.severity) load.bySeverity[r.severity]++;
  if (r.size) load.bySize[r.size]++;
  if (r.jobBoard) load.jobsBoard++;
  else if (r.outcome === "accepted") load.accepted++;
  else if (r.outcome === "rejected") load.rejected++;
  // A request for several instances is shared between them, so totals are not counted twice.
  if (r.outcome === "accepted" && !r.jobBoard && r.size)
    load.estimatedHours += policy.size_hours[r.size] * share;
}

/** Minutes a request's entries logged in the period, per bucket. */
function loggedWithin(r: PipeRecord, period: Period): Record<TimeEntry["bucket"], number> {
  const inside = r.entries.filter((e) => within(e.at, period));
  const of = (bucket: TimeEntry["bucket"]) =>
    inside.filter((e) => e.bucket === bucket).reduce((sum, e) => sum + e.minutes, 0);
  return { pipe: of("pipe"), jobs: of("jobs") };
}

/** Hours logged in the period on a request (of any age), and what the pipe's cost. */
function addHours(
  load: Load,
  logged: Record<TimeEntry["bucket"], number>,
  parts: number,
  cost?: Money,
) {
  load.pipeHours += hours(logged.pipe) / parts;
  load.jobsHours += hours(logged.jobs) / parts;
  if (cost) {
    const part = forMinutes(cost, logged.pipe, parts);
    load.pipeCost = { minor: (load.pipeCost?.minor ?? 0) + part.minor, currency: cost.currency };
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** An instance's row, made when it first appears. */
function rowFor(rows: Map<string, InstanceLoad>, code: string, registry: Registry): InstanceLoad {
  const found = rows.get(code);
  if (found) return found;
  const instance = instanceOf(registry, code);
  const row = {
    code,
    name: instance ? displayName(code, instance) : code,
    tier: instance?.tier ?? "unknown",
    ...emptyLoad(),
  } as InstanceLoad;
  rows.set(code, row);
  return row;
}

/**
 * The load of a period: requests opened in it (counted, nominal hours), and the hours logged in
 * it on any request (by each entry's date). `records` may reach back before the period: the
 * developers' table compares each month with the three before it. `now` tells a promise not yet
 * due (open) from one past due.
 */
export function loadReport(
  records: readonly PipeRecord[],
  period: Period,
  registry: Registry,
  policy: Policy,
  now: Date,
): LoadReport {
  const cost = pipeHourCost(policy);
  const byInstance = new Map<string, InstanceLoad>();
  const totals = emptyLoad();
  const categories = new Map<string, number>();
  const inside = records.filter((r) => inPeriod(r.createdAt, period));
  for (const r of records) {
    const codes = r.instances.length ? r.instances : ["unknown"];
    const opened = inside.includes(r);
    const logged = loggedWithin(r, period);
    const anyTime = logged.pipe !== 0 || logged.jobs !== 0;
    if (!opened && !anyTime) continue;
    for (const code of codes) {
      const row = rowFor(byInstance, code, registry);
      if (opened) addRequest(row, r, policy, 1 / codes.length);
      if (anyTime) addHours(row, logged, codes.length, cost);
    }
    if (opened) addRequest(totals, r, policy, 1);
    if (opened && r.category) categories.set(r.category, (categories.get(r.category) ?? 0) + 1);
  }
  for (const l of byInstance.values()) {
    l.estimatedHours = round(l.estimatedHours);
    l.pipeHours = round(l.pipeHours);
    l.jobsHours = round(l.jobsHours);
  }
  // The totals are the rows' sums: a shared request's hours and cost add up exactly.
  const rows = [...byInstance.values()];
  totals.estimatedHours = round(totals.estimatedHours);
  totals.pipeHours = round(rows.reduce((sum, l) => sum + l.pipeHours, 0));
  totals.jobsHours = round(rows.reduce((sum, l) => sum + l.jobsHours, 0));
  if (cost)
    totals.pipeCost = {
      minor: rows.reduce((sum, l) => sum + (l.pipeCost?.minor ?? 0), 0),
      currency: cost.currency,
    };
  const s0 = inside.filter((r) => r.severity === "S0");
  const responses = s0.flatMap((r) =>
    r.firstResponseAt ? [(Date.parse(r.firstResponseAt) - Date.parse(r.createdAt)) / 60_000] : [],
  );
  const med = median(responses);
  return {
    period,
    instances: rows.sort((a, b) => b.requests - a.requests || a.code.localeCompare(b.code)),
    totals,
    categories: [...categories]
      .map(([category, requests]) => ({ category, requests }))
      .sort((a, b) => b.requests - a.requests || a.category.localeCompare(b.category)),
    s0: {
      count: s0.length,
      ...(med !== undefined ? { medianFirstResponseMinutes: Math.round(med) } : {}),
      unanswered: s0.length - responses.length,
    },
    promises: promiseRows(records, period, policy, now),
    ...(cost ? { hourCost: cost } : {}),
    developers: developerMonths(records, period),
  };
}

/** Mermaid labels are quoted strings: no quotes or line breaks inside. */
const label = (text: string) => text.replace(/["\n\r]/g, "'");

export function renderLoadReport(report: LoadReport): string {
  const t = report.totals;
  const costed = report.hourCost !== undefined;
  const cost = (l: Load) => (costed ? ` ${l.pipeCost ? formatMoney(l.pipeCost) : ""} |` : "");
  const row = (name: string, tier: string, l: Load) =>
    `| ${name} | ${tier} | ${l.requests} | ${SEVERITIES.map((s) => l.bySeverity[s]).join(" / ")} | ${SIZES.map((s) => l.bySize[s]).join(" / ")} | ${l.accepted} | ${l.rejected} | ${l.jobsBoard} | ${l.estimatedHours} | ${l.pipeHours} |${cost(l)} ${l.jobsHours} |`;
  const costLine = report.hourCost
    ? ` At the community's notional ${formatMoney(report.hourCost)} a pipe hour (\`pipe_hour_cost\` in config/tiers.yml), the pipe's support cost ${formatMoney(t.pipeCost ?? { minor: 0, currency: report.hourCost.currency })}.`
    : "";
  const lines = [
    `# Sysadmin pipe load: ${report.period.label}`,
    "",
    `${t.requests} requests opened; ${t.accepted} accepted, ${t.rejected} rejected, ${t.jobsBoard} on the jobs board. ` +
      `Pipe hours logged in the period: ${t.pipeHours} (estimated from the sizes of the requests opened: ${t.estimatedHours}). ` +
      `Jobs-board hours logged: ${t.jobsHours}, paid extra work, not counted against the pipe.${costLine}`,
    "",
    `| instance | tier | requests | S0 / S1 / S2 / S3 | XS / S / M / L | accepted | rejected | jobs board | estimated pipe h | logged pipe h |${costed ? " pipe cost |" : ""} logged jobs-board h |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |${costed ? " --- |" : ""} --- |`,
    ...report.instances.map((l) => row(tableCell(l.name, 100), l.tier, l)),
    row("**Total**", "", t),
    "",
    "## Emergencies (S0)",
    "",
    report.s0.count
      ? `${report.s0.count} S0 requests; median time to first response: ${report.s0.medianFirstResponseMinutes !== undefined ? `${report.s0.medianFirstResponseMinutes} minutes` : "none answered"}${report.s0.unanswered ? ` (${report.s0.unanswered} without a response yet)` : ""}.`
      : "No S0 requests.",
    "",
    ...renderPromises(report.promises),
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
  lines.push("", ...renderDeveloperMonths(report.developers));
  return lines.join("\n") + "\n";
}

// The cost of support for one instance, for a funding application: the pipe hours logged on its
// requests in its last complete months, what they cost at the community's notional hourly cost,
// and a twelve-month projection by category and severity. Pure: figures from records, then
// Markdown or CSV.
import { plainText, tableCell } from "../markup/inert.js";
import { formatAmount, formatMoney, forMinutes, scaled, type Money } from "../registry/money.js";
import { pipeHourCost, type Policy } from "../registry/policy.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { SEVERITIES } from "../registry/vocabulary.js";
import { displayName } from "../triage/coverage.js";
import { csvText } from "./csv.js";
import { monthsOf } from "./developer-hours.js";
import type { Period } from "./period.js";
import type { PipeRecord } from "./pipe-records.js";

/** At most this many months are read back. */
export const MAX_COST_MONTHS = 36;
/** A projection is for a year. */
const PROJECTED_MONTHS = 12;

export interface CostRow {
  /** A month (2026-11), a category, a severity, or "total". */
  key: string;
  requests: number;
  hours: number;
  cost?: Money;
  /** The monthly average × 12 (rows by category, by severity, and the total). */
  projectedHours?: number;
  projectedCost?: Money;
}

export interface CostReport {
  instance: { code: string; name: string; tier: string };
  period: Period;
  months: number;
  hourCost?: Money;
  byMonth: CostRow[];
  byCategory: CostRow[];
  bySeverity: CostRow[];
  total: CostRow;
}

/** The `months` complete months before the one `now` is in. */
export function lastMonths(months: number, now: Date): Period {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months, 1));
  const label = (d: Date) => d.toISOString().slice(0, 7);
  const last = new Date(end.getTime() - 1);
  return { label: `${label(start)} to ${label(last)}`, start, end };
}

/** Sums in minutes as a fraction of requests shared between instances, and cost per cell. */
interface Cell {
  requests: number;
  /** Hours (a shared request's part). */
  hours: number;
  /** Minor units, summed cell by cell (each rounded once). */
  minor: number;
}

const emptyCell = (): Cell => ({ requests: 0, hours: 0, minor: 0 });
const round = (n: number) => Math.round(n * 100) / 100;

function cellOf(cells: Map<string, Cell>, key: string): Cell {
  const cell = cells.get(key) ?? emptyCell();
  cells.set(key, cell);
  return cell;
}

function row(key: string, cell: Cell, cost: Money | undefined, months?: number): CostRow {
  const money = cost ? { minor: cell.minor, currency: cost.currency } : undefined;
  return {
    key,
    requests: cell.requests,
    hours: round(cell.hours),
    ...(money ? { cost: money } : {}),
    ...(months
      ? {
          projectedHours: round((cell.hours * PROJECTED_MONTHS) / months),
          ...(money ? { projectedCost: scaled(money, PROJECTED_MONTHS, months) } : {}),
        }
      : {}),
  };
}

export function costReport(
  records: readonly PipeRecord[],
  code: string,
  period: Period,
  registry: Registry,
  policy: Policy,
): CostReport {
  const cost = pipeHourCost(policy);
  const months = monthsOf(period);
  const [byMonth, byCategory, bySeverity] = [
    new Map<string, Cell>(),
    new Map<string, Cell>(),
    new Map<string, Cell>(),
  ];
  for (const m of months) cellOf(byMonth, m);
  const total = emptyCell();
  for (const r of records.filter((r) => r.instances.includes(code))) {
    const parts = r.instances.length;
    const category = r.category ?? "(none)";
    const severity = r.severity ?? "(none)";
    const opened = r.createdAt.slice(0, 7);
    const cells = (month: string) => [
      cellOf(byMonth, month),
      cellOf(byCategory, category),
      cellOf(bySeverity, severity),
      total,
    ];
    if (months.includes(opened)) for (const c of cells(opened)) c.requests += 1;
    for (const month of months) {
      const minutes = r.entries
        .filter((e) => e.bucket === "pipe" && e.at.slice(0, 7) === month)
        .reduce((sum, e) => sum + e.minutes, 0);
      if (!minutes) continue;
      const minor = cost ? forMinutes(cost, minutes, parts).minor : 0;
      for (const c of cells(month)) {
        c.hours += minutes / 60 / parts;
        c.minor += minor;
      }
    }
  }
  const instance = instanceOf(registry, code);
  const rows = (cells: Map<string, Cell>, order: (a: string, b: string) => number) =>
    [...cells]
      .filter(([, c]) => c.hours || c.requests)
      .sort(([a], [b]) => order(a, b))
      .map(([key, c]) => row(key, { ...c, requests: round(c.requests) }, cost, months.length));
  const severityOrder = (a: string, b: string) =>
    (SEVERITIES as readonly string[]).indexOf(a) - (SEVERITIES as readonly string[]).indexOf(b);
  return {
    instance: {
      code,
      name: instance ? displayName(code, instance) : code,
      tier: instance?.tier ?? "unknown",
    },
    period,
    months: months.length,
    ...(cost ? { hourCost: cost } : {}),
    byMonth: [...byMonth].map(([key, c]) => row(key, { ...c, requests: round(c.requests) }, cost)),
    byCategory: rows(byCategory, (a, b) => a.localeCompare(b)),
    bySeverity: rows(bySeverity, severityOrder),
    total: row("total", { ...total, requests: round(total.requests) }, cost, months.length),
  };
}

const money = (m: Money | undefined) => (m ? formatMoney(m) : "—");

function projectionTable(title: string, what: string, rows: readonly CostRow[], total: CostRow) {
  return [
    `## ${title}`,
    "",
    `| ${what} | requests opened | pipe hours | cost | next 12 months: hours | next 12 months: cost |`,
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${tableCell(r.key, 60)} | ${r.requests} | ${r.hours} | ${money(r.cost)} | ${r.projectedHours} | ${money(r.projectedCost)} |`,
    ),
    `| **Total** | ${total.requests} | ${total.hours} | ${money(total.cost)} | ${total.projectedHours} | ${money(total.projectedCost)} |`,
    "",
  ];
}

export function renderCost(report: CostReport): string {
  const { instance, total } = report;
  const name = plainText(instance.name, 100);
  const rate = report.hourCost
    ? `at the community's notional **${formatMoney(report.hourCost)}** a pipe hour (\`pipe_hour_cost\` in config/tiers.yml)`
    : "with no cost yet: the instance-managers circle sets the notional cost of a pipe hour as `pipe_hour_cost` in config/tiers.yml";
  return [
    `# Cost of support: ${name} (${instance.code}), ${report.period.label}`,
    "",
    `What the sysadmin pipe's support for ${name} (${instance.tier} tier) took in the last ${report.months} complete months: the hours developers logged with \`/spent\` on its requests (a request for several instances is shared equally), ${rate}. Jobs-board work, which the instance pays for itself, is not included. Next 12 months: the monthly average of these months, times 12.`,
    "",
    `**In ${report.months} months: ${total.hours} pipe hours, ${money(total.cost)}. Next 12 months: ${total.projectedHours} hours, ${money(total.projectedCost)}.**`,
    "",
    "| month | requests opened | pipe hours | cost |",
    "| --- | --- | --- | --- |",
    ...report.byMonth.map((r) => `| ${r.key} | ${r.requests} | ${r.hours} | ${money(r.cost)} |`),
    `| **Total** | ${total.requests} | ${total.hours} | ${money(total.cost)} |`,
    "",
    ...projectionTable("By category", "category", report.byCategory, total),
    ...projectionTable("By severity", "severity", report.bySeverity, total),
  ]
    .join("\n")
    .trimEnd()
    .concat("\n");
}

const CSV_COLUMNS = [
  "instance",
  "section",
  "key",
  "requests",
  "pipe_hours",
  "cost",
  "projected_hours",
  "projected_cost",
  "currency",
] as const;

/** One row per month, category and severity, and the total, for a spreadsheet. */
export function costCsv(report: CostReport): string {
  const line = (section: string) => (r: CostRow) => [
    report.instance.code,
    section,
    r.key,
    r.requests,
    r.hours,
    r.cost ? formatAmount(r.cost) : undefined,
    r.projectedHours,
    r.projectedCost ? formatAmount(r.projectedCost) : undefined,
    report.hourCost?.currency,
  ];
  return csvText(CSV_COLUMNS, [
    ...report.byMonth.map(line("month")),
    ...report.byCategory.map(line("category")),
    ...report.bySeverity.map(line("severity")),
    line("total")(report.total),
  ]);
}

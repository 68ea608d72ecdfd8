// The jobs board's invoice summary: per developer and instance, the jobs delivered in a period,
// with their agreed estimates and the jobs-board hours logged on them. Only jobs: nothing of
// the sysadmin pipe is ever listed. Pure: figures from records, then Markdown, CSV or JSON.
import { link, pipesEscaped, plainText } from "../markup/inert.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { displayName } from "../triage/coverage.js";
import { inPeriod, type Period } from "./period.js";

/** One job, as read from its issue's bot comment (the state's `job` and jobs-board time). */
export interface JobRecord {
  repo: string;
  number: number;
  title: string;
  url: string;
  instances: string[];
  developer: string;
  estimateMinutes?: number;
  agreed?: { by: string; at?: string };
  /** When `/done` was handled; a job without it is not delivered. */
  doneAt?: string;
  /** Jobs-board minutes its developer logged. */
  minutes: number;
}

export interface InvoiceJob {
  repo: string;
  number: number;
  title: string;
  url: string;
  estimateHours?: number;
  agreedBy?: string;
  agreedAt?: string;
  doneAt: string;
  /** This instance's share of the hours logged (a job for several instances is shared
   * equally, its estimate too, as the load report shares requests). */
  hours: number;
}

export interface InvoiceGroup {
  developer: string;
  instance: string;
  name: string;
  jobs: InvoiceJob[];
  hours: number;
}

export interface Invoice {
  period: Period;
  groups: InvoiceGroup[];
  totals: { jobs: number; hours: number };
}

export interface InvoiceFilter {
  instance?: string;
  developer?: string;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
const round = (n: number) => Math.round(n * 100) / 100;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A job belongs to the period it was delivered in: its `/done` date. */
function delivered(r: JobRecord, period: Period): r is JobRecord & { doneAt: string } {
  return r.doneAt !== undefined && inPeriod(r.doneAt, period);
}

function invoiceJob(r: JobRecord & { doneAt: string }, share: number): InvoiceJob {
  return {
    repo: r.repo,
    number: r.number,
    title: r.title,
    url: r.url,
    ...(r.estimateMinutes !== undefined
      ? { estimateHours: round(hours(r.estimateMinutes) * share) }
      : {}),
    ...(r.agreed ? { agreedBy: r.agreed.by } : {}),
    ...(r.agreed?.at ? { agreedAt: r.agreed.at } : {}),
    doneAt: r.doneAt,
    hours: round(hours(r.minutes) * share),
  };
}

export function buildInvoice(
  records: readonly JobRecord[],
  period: Period,
  registry: Registry,
  filter: InvoiceFilter = {},
): Invoice {
  const groups = new Map<string, InvoiceGroup>();
  const jobs = new Set<string>();
  for (const r of records) {
    if (!delivered(r, period)) continue;
    if (filter.developer && !same(r.developer, filter.developer)) continue;
    const codes = r.instances.length ? r.instances : ["unknown"];
    for (const code of codes) {
      if (filter.instance && !same(code, filter.instance)) continue;
      const key = `${r.developer.toLowerCase()} ${code}`;
      const instance = instanceOf(registry, code);
      const group = groups.get(key) ?? {
        developer: r.developer,
        instance: code,
        name: instance ? displayName(code, instance) : code,
        jobs: [],
        hours: 0,
      };
      group.jobs.push(invoiceJob(r, 1 / codes.length));
      groups.set(key, group);
      jobs.add(`${r.repo}#${r.number}`);
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) => a.developer.localeCompare(b.developer) || a.instance.localeCompare(b.instance),
  );
  for (const g of sorted) {
    g.jobs.sort((a, b) => a.doneAt.localeCompare(b.doneAt));
    g.hours = round(g.jobs.reduce((sum, j) => sum + j.hours, 0));
  }
  const total = round(sorted.reduce((sum, g) => sum + g.hours, 0));
  return { period, groups: sorted, totals: { jobs: jobs.size, hours: total } };
}

const day = (at: string | undefined) => at?.slice(0, 10) ?? "";
const issueName = (j: InvoiceJob) => `${j.repo.split("/")[1]}#${j.number}`;
const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

// Logins are written without "@": a summary posted every period must not notify everyone in it.
function agreement(j: InvoiceJob): string {
  if (j.estimateHours === undefined) return "**no estimate**";
  if (!j.agreedBy) return "**not agreed**";
  return `${plainText(j.agreedBy, 60)}${j.agreedAt ? `, ${day(j.agreedAt)}` : ""}`;
}

function groupSection(g: InvoiceGroup): string[] {
  const estimated = round(g.jobs.reduce((sum, j) => sum + (j.estimateHours ?? 0), 0));
  return [
    `## ${plainText(g.developer, 60)}: ${plainText(g.name, 100)}`,
    "",
    "| job | estimate h | agreed by | done | logged jobs-board h |",
    "| --- | --- | --- | --- | --- |",
    ...g.jobs.map(
      (j) =>
        `| ${pipesEscaped(`${link(j.title, j.url, 120)} (${issueName(j)})`)} | ${j.estimateHours ?? ""} | ${pipesEscaped(agreement(j))} | ${day(j.doneAt)} | ${j.hours} |`,
    ),
    `| **Total** | ${estimated} |  |  | ${g.hours} |`,
    "",
  ];
}

export function renderInvoice(invoice: Invoice): string {
  const { period, totals } = invoice;
  const lines = [
    `# Jobs board invoices: ${period.label}`,
    "",
    `Jobs delivered (\`/done\`) in ${period.label}, per developer and instance: ${count(totals.jobs, "job")}, ${totals.hours} jobs-board hours logged. ` +
      "Paid extra work, invoiced by each developer to the instance directly; the sysadmin pipe's work and hours are never listed here.",
    "",
  ];
  if (!invoice.groups.length) lines.push(`No jobs-board job was delivered in ${period.label}.`, "");
  for (const g of invoice.groups) lines.push(...groupSection(g));
  return lines.join("\n").trimEnd() + "\n";
}

const CSV_COLUMNS = [
  "period",
  "developer",
  "instance",
  "repo",
  "issue",
  "title",
  "url",
  "estimate_hours",
  "agreed_by",
  "agreed_at",
  "done_at",
  "hours",
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (value: string | number | undefined) => {
  const raw = value === undefined ? "" : String(value);
  // Anyone can title an issue "=HYPERLINK(…)": a spreadsheet must read it as text, not run it.
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per job and instance, for a spreadsheet. */
export function invoiceCsv(invoice: Invoice): string {
  const rows = invoice.groups.flatMap((g) =>
    g.jobs.map((j) =>
      [
        invoice.period.label,
        g.developer,
        g.instance,
        j.repo,
        j.number,
        j.title,
        j.url,
        j.estimateHours,
        j.agreedBy,
        j.agreedAt,
        j.doneAt,
        j.hours,
      ]
        .map(csvField)
        .join(","),
    ),
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n";
}

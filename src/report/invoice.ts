// The jobs board's invoices: per developer and instance, what a period bills for the jobs they
// did, with amounts. Only jobs: nothing of the sysadmin pipe is ever listed. Pure: figures from
// records (billing.ts says what is billed), then Markdown, CSV or JSON.
import { link, pipesEscaped, plainText } from "../markup/inert.js";
import {
  formatAmount,
  formatMoney,
  split,
  totalsByCurrency,
  type Money,
} from "../registry/money.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { displayName } from "../triage/coverage.js";
import { priceText, type Price } from "../triage/job.js";
import { billFor, type Bill, type JobRecord } from "./billing.js";
import { csvText } from "./csv.js";
import type { Period } from "./period.js";

export type { JobRecord };

/** One job on one instance's invoice: that instance's share of the period's figures. */
export interface InvoiceJob {
  repo: string;
  number: number;
  title: string;
  url: string;
  price?: Price;
  estimateHours?: number;
  agreedBy?: string;
  agreedAt?: string;
  doneAt?: string;
  /** Jobs-board hours logged in the period. */
  loggedHours: number;
  /** Of them, the hours billed (within what was agreed). */
  billedHours: number;
  /** What is billed; none without an agreed price. */
  amount?: Money;
  /** Why less is billed than logged, when it is. */
  note?: Bill["note"];
}

export interface InvoiceGroup {
  developer: string;
  instance: string;
  name: string;
  jobs: InvoiceJob[];
  loggedHours: number;
  billedHours: number;
  /** One total per currency, never mixed. */
  totals: Money[];
}

export interface Invoice {
  period: Period;
  groups: InvoiceGroup[];
  totals: { jobs: number; loggedHours: number; billedHours: number; amounts: Money[] };
}

export interface InvoiceFilter {
  instance?: string;
  developer?: string;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
const round = (n: number) => Math.round(n * 100) / 100;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const sum = (values: readonly number[]) => round(values.reduce((a, b) => a + b, 0));

/** A job's share for one instance: hours shared equally, the amount split to the minor unit. */
function invoiceJob(r: JobRecord, bill: Bill, share: { index: number; of: number }): InvoiceJob {
  const amount = bill.amount ? split(bill.amount, share.of)[share.index] : undefined;
  return {
    repo: r.repo,
    number: r.number,
    title: r.title,
    url: r.url,
    ...(r.price ? { price: r.price } : {}),
    ...(r.estimateMinutes !== undefined
      ? { estimateHours: round(hours(r.estimateMinutes) / share.of) }
      : {}),
    ...(r.agreed ? { agreedBy: r.agreed.by } : {}),
    ...(r.agreed?.at ? { agreedAt: r.agreed.at } : {}),
    ...(r.doneAt ? { doneAt: r.doneAt } : {}),
    loggedHours: round(hours(bill.loggedMinutes) / share.of),
    billedHours: round(hours(bill.billedMinutes) / share.of),
    ...(amount ? { amount } : {}),
    ...(bill.note ? { note: bill.note } : {}),
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
    const bill = billFor(r, period);
    if (!bill) continue;
    if (filter.developer && !same(r.developer, filter.developer)) continue;
    // Sorted, so the remainder of a split amount always goes to the same instance.
    const codes = r.instances.length ? [...r.instances].sort() : ["unknown"];
    codes.forEach((code, index) => {
      if (filter.instance && !same(code, filter.instance)) return;
      const key = JSON.stringify([r.developer.toLowerCase(), code]);
      const instance = instanceOf(registry, code);
      const group = groups.get(key) ?? {
        developer: r.developer,
        instance: code,
        name: instance ? displayName(code, instance) : code,
        jobs: [],
        loggedHours: 0,
        billedHours: 0,
        totals: [],
      };
      group.jobs.push(invoiceJob(r, bill, { index, of: codes.length }));
      groups.set(key, group);
      jobs.add(`${r.repo}#${r.number}`);
    });
  }
  const sorted = [...groups.values()].sort(
    (a, b) => a.developer.localeCompare(b.developer) || a.instance.localeCompare(b.instance),
  );
  for (const g of sorted) {
    g.jobs.sort((a, b) => a.repo.localeCompare(b.repo) || a.number - b.number);
    g.loggedHours = sum(g.jobs.map((j) => j.loggedHours));
    g.billedHours = sum(g.jobs.map((j) => j.billedHours));
    g.totals = totalsByCurrency(g.jobs.flatMap((j) => (j.amount ? [j.amount] : [])));
  }
  return {
    period,
    groups: sorted,
    totals: {
      jobs: jobs.size,
      loggedHours: sum(sorted.map((g) => g.loggedHours)),
      billedHours: sum(sorted.map((g) => g.billedHours)),
      amounts: totalsByCurrency(sorted.flatMap((g) => g.totals)),
    },
  };
}

const day = (at: string | undefined) => at?.slice(0, 10) ?? "";
const issueName = (j: InvoiceJob) => `${j.repo.split("/")[1]}#${j.number}`;
const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
const moneyList = (amounts: readonly Money[]) =>
  amounts.length ? amounts.map(formatMoney).join("; ") : "nothing";

const NOTES: Record<NonNullable<Bill["note"]>, string> = {
  "not agreed": "not agreed: not billed",
  "no price": "no price stated: not billed",
  "over estimate": "beyond the agreed hours: not billed",
  "not done": "fixed price: billed when done",
};

// Logins are written without "@": an invoice posted every period must not notify everyone in it.
function agreement(j: InvoiceJob): string {
  if (!j.agreedBy) return "**not agreed**";
  return `${plainText(j.agreedBy, 60)}${j.agreedAt ? `, ${day(j.agreedAt)}` : ""}`;
}

function jobRow(j: InvoiceJob): string {
  const job = `${link(j.title, j.url, 120)} (${issueName(j)})`;
  const amount = j.amount ? formatMoney(j.amount) : "";
  const note = j.note ? ` (${NOTES[j.note]})` : "";
  return `| ${pipesEscaped(job)} | ${j.price ? priceText(j.price) : "none"} | ${j.estimateHours ?? ""} | ${pipesEscaped(agreement(j))} | ${day(j.doneAt)} | ${j.loggedHours} | ${j.billedHours}${note} | ${amount} |`;
}

function groupSection(g: InvoiceGroup, period: Period): string[] {
  return [
    `## ${plainText(g.developer, 60)} to ${plainText(g.name, 100)}: ${period.label}`,
    "",
    "| job | price | estimate h | agreed by | done | logged h | billed h | amount |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...g.jobs.map(jobRow),
    `| **Total** |  |  |  |  | ${g.loggedHours} | ${g.billedHours} | **${moneyList(g.totals)}** |`,
    "",
  ];
}

/** How a period's bill is worked out, in the words the invoice itself says. */
export const BILLING_RULE =
  "Hourly jobs bill the hours logged in the period, at the agreed rate, up to the agreed estimate (hours are counted in the order they were logged; a correction counts in the period it was written). A fixed price is billed whole in the period the job was done. Nothing is billed without an agreement (`/agree`) to a stated price.";

export function renderInvoice(invoice: Invoice): string {
  const { period, totals } = invoice;
  const lines = [
    `# Jobs board invoices: ${period.label}`,
    "",
    `Per developer and instance: ${count(totals.jobs, "job")}, ${totals.loggedHours} jobs-board hours logged, ${totals.billedHours} billed, **${moneyList(totals.amounts)}**. ` +
      "Paid extra work, invoiced by each developer to the instance directly; the sysadmin pipe's work and hours are never listed here.",
    "",
    BILLING_RULE,
    "",
  ];
  if (!invoice.groups.length) lines.push(`No jobs-board work to bill in ${period.label}.`, "");
  for (const g of invoice.groups) lines.push(...groupSection(g, period));
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
  "price",
  "price_per",
  "estimate_hours",
  "agreed_by",
  "agreed_at",
  "done_at",
  "logged_hours",
  "billed_hours",
  "amount",
  "currency",
] as const;

/** One row per job and instance, for a spreadsheet: amounts as decimals with their currency. */
export function invoiceCsv(invoice: Invoice): string {
  const rows = invoice.groups.flatMap((g) =>
    g.jobs.map((j) => [
      invoice.period.label,
      g.developer,
      g.instance,
      j.repo,
      j.number,
      j.title,
      j.url,
      j.price ? formatAmount(j.price) : undefined,
      j.price?.per,
      j.estimateHours,
      j.agreedBy,
      j.agreedAt,
      j.doneAt,
      j.loggedHours,
      j.billedHours,
      j.amount ? formatAmount(j.amount) : undefined,
      j.amount?.currency ?? j.price?.currency,
    ]),
  );
  return csvText(CSV_COLUMNS, rows);
}

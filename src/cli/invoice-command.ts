// `sysadmin-pipe invoice`: the jobs board's invoice summary for a period, read from GitHub with
// a token (the same reads as the load report); `--post` keeps one summary issue per period up to
// date in reports.repo.
import { readJobs } from "../github/pipe-read.js";
import { buildInvoice, invoiceCsv, renderInvoice, type Invoice } from "../report/invoice.js";
import { UsageError, type Context } from "./command.js";
import { periodOf } from "./report-command.js";
import { postPeriodIssue } from "./period-issue.js";
import { tokenClient } from "./token-client.js";
import { instanceOf } from "../registry/schema.js";

type InvoiceValues = {
  period?: string;
  since?: string;
  until?: string;
  instance?: string;
  developer?: string;
  json?: boolean;
  csv?: boolean;
  post?: boolean;
};

function checkFlags(values: InvoiceValues): void {
  if (values.json && values.csv) throw new UsageError("choose one of --json and --csv");
  // The posted summary is the whole period's: a filtered one would replace it with a part.
  if (values.post && (values.instance || values.developer))
    throw new UsageError(
      "--post keeps the whole period's summary: leave out --instance and --developer",
    );
}

function printed(invoice: Invoice, values: InvoiceValues, markdown: string): string {
  if (values.json) return `${JSON.stringify(invoice)}\n`;
  return values.csv ? invoiceCsv(invoice) : markdown;
}

export async function invoiceCommand({
  values,
  io,
  config: shipped,
}: Context<InvoiceValues>): Promise<number> {
  const period = periodOf(values);
  checkFlags(values);
  const client = await tokenClient(shipped(), io);
  if (!client) {
    io.stderr("Set GITHUB_TOKEN to a token that can read the watched repositories' issues.\n");
    return 2;
  }
  const { github, live, appLogin, executor, log } = client;
  const { registry, policy } = live.config;
  const code = values.instance?.toLowerCase();
  if (code && !instanceOf(registry, code)) {
    const known = Object.keys(registry.instances).join(", ");
    throw new UsageError(
      `--instance \`${values.instance}\` is not in the registry; known codes: ${known}`,
    );
  }
  const jobs = await readJobs(github, live.config, period, appLogin);
  const filter = {
    ...(code ? { instance: code } : {}),
    ...(values.developer ? { developer: values.developer.replace(/^@/, "") } : {}),
  };
  const invoice = buildInvoice(jobs, period, registry, filter);
  const markdown = renderInvoice(invoice);
  io.stdout(printed(invoice, values, markdown));
  if (!values.post) return 0;
  return postPeriodIssue(github, executor(github, undefined, { log, policy }), policy, io, {
    kind: "invoice",
    what: "invoice summary",
    label: policy.reports.invoice_label,
    title: `Jobs board invoices: ${period.label}`,
    period: period.label,
    markdown,
  });
}

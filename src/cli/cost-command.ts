// `sysadmin-pipe cost`: what an instance's support cost in its last complete months, and a
// twelve-month projection, read from GitHub with a token (the same reads as the load report).
import { readPipe } from "../github/pipe-read.js";
import { costCsv, costReport, lastMonths, MAX_COST_MONTHS, renderCost } from "../report/cost.js";
import { instanceOf } from "../registry/schema.js";
import { UsageError, type Context } from "./command.js";
import { tokenClient } from "./token-client.js";

type CostValues = { instance?: string; months?: string; json?: boolean; csv?: boolean };

function monthsOf(values: CostValues): number {
  if (values.months === undefined) return 12;
  const months = /^\d{1,2}$/.test(values.months) ? Number(values.months) : NaN;
  if (!(months >= 1 && months <= MAX_COST_MONTHS))
    throw new UsageError(`--months must be a whole number from 1 to ${MAX_COST_MONTHS}`);
  return months;
}

export async function costCommand({
  values,
  io,
  config: shipped,
}: Context<CostValues>): Promise<number> {
  if (!values.instance) throw new UsageError("Say which instance: --instance es");
  if (values.json && values.csv) throw new UsageError("choose one of --json and --csv");
  const months = monthsOf(values);
  const client = await tokenClient(shipped(), io);
  if (!client) {
    io.stderr("Set GITHUB_TOKEN to a token that can read the watched repositories' issues.\n");
    return 2;
  }
  const { github, live, appLogin } = client;
  const { registry, policy } = live.config;
  const code = values.instance.toLowerCase();
  if (!instanceOf(registry, code)) {
    const known = Object.keys(registry.instances).join(", ");
    throw new UsageError(
      `--instance \`${values.instance}\` is not in the registry; known codes: ${known}`,
    );
  }
  const period = lastMonths(months, new Date());
  const records = await readPipe(github, live.config, period.start, appLogin);
  const report = costReport(records, code, period, registry, policy);
  if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
  else io.stdout(values.csv ? costCsv(report) : renderCost(report));
  return 0;
}

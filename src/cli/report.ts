// `sysadmin-pipe report`: the load report for a period, read from GitHub with a token.
import { Octokit } from "@octokit/rest";
import { parseArgs } from "node:util";
import type { TriageConfig } from "../config.js";
import { ConfigStore } from "../github/live-config.js";
import { harden } from "../github/resilience.js";
import type { GitHub, Logger } from "../github/types.js";
import { loadReport, renderLoadReport } from "../report/load.js";
import { parsePeriod, periodBetween } from "../report/period.js";
import { readPipe } from "../report/read.js";

export interface ReportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function reportCommand(
  args: string[],
  shipped: TriageConfig,
  io: ReportIo,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      period: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      json: { type: "boolean" },
      registry: { type: "string" },
      policy: { type: "string" },
    },
  });
  const period = values.period
    ? parsePeriod(values.period)
    : values.since && values.until
      ? periodBetween(values.since, values.until)
      : undefined;
  if (!period) {
    io.stderr(
      "Say which period: --period 2026-Q4, --period 2026-11, or --since 2026-10-01 --until 2026-12-31.\n",
    );
    return 2;
  }
  const token = io.env.GITHUB_TOKEN;
  if (!token) {
    io.stderr("Set GITHUB_TOKEN to a token that can read the watched repositories' issues.\n");
    return 2;
  }
  const log: Logger = {
    info: () => undefined,
    warn: (obj, msg) => io.stderr(`${JSON.stringify({ level: "warn", msg, ...obj })}\n`),
    error: (obj, msg) => io.stderr(`${JSON.stringify({ level: "error", msg, ...obj })}\n`),
  };
  const github = harden(
    new Octokit({ auth: token, baseUrl: io.env.GITHUB_API_URL || undefined }) as unknown as GitHub,
    log,
  );
  const { config } = await new ConfigStore(shipped, log).get(github, "cli");
  const report = loadReport(
    await readPipe(github, config, period),
    period,
    config.registry,
    config.policy,
  );
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : renderLoadReport(report));
  return 0;
}

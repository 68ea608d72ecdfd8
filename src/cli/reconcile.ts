// `sysadmin-pipe reconcile`: run the reconcile sweep with a token (for a cron job, or by hand).
import { Octokit } from "@octokit/rest";
import { parseArgs } from "node:util";
import type { TriageConfig } from "../config.js";
import { ConfigStore } from "../github/live-config.js";
import { harden } from "../github/resilience.js";
import type { GitHub, Logger } from "../github/types.js";
import { reconcile } from "../reconcile/sweep.js";

export interface ReconcileIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function reconcileCommand(
  args: string[],
  shipped: TriageConfig,
  io: ReconcileIo,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      repo: { type: "string", multiple: true },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      registry: { type: "string" },
      policy: { type: "string" },
    },
  });
  const token = io.env.GITHUB_TOKEN;
  if (!token) {
    io.stderr(
      "Set GITHUB_TOKEN to a token that can read and write the watched repositories' issues.\n",
    );
    return 2;
  }
  // Log lines go to stderr as JSON, so stdout stays the report.
  const log: Logger = {
    info: () => undefined,
    warn: (obj, msg) => io.stderr(`${JSON.stringify({ level: "warn", msg, ...obj })}\n`),
    error: (obj, msg) => io.stderr(`${JSON.stringify({ level: "error", msg, ...obj })}\n`),
  };
  const octokit = new Octokit({ auth: token, baseUrl: io.env.GITHUB_API_URL || undefined });
  const github = harden(octokit as unknown as GitHub, log);
  const live = await new ConfigStore(shipped, log).get(github, "cli");
  const report = await reconcile(github, live, {
    repos: values.repo,
    dryRun: values["dry-run"] ?? false,
    log,
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const verb = values["dry-run"] ? "would re-triage" : "re-triaged";
    for (const s of report.stale) io.stdout(`${verb} ${s.issue}: ${s.why}\n`);
    for (const f of report.failed) io.stdout(`FAILED ${f.issue}: ${f.error}\n`);
    io.stdout(
      `${report.scanned} open issues in ${report.repos} repositories: ${report.stale.length} stale, ${report.repaired} repaired, ${report.skippedRecent} left to the live app (updated in the last minutes), ${report.failed.length} failed.\n`,
    );
  }
  return report.failed.length ? 1 : 0;
}

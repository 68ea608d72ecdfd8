// `sysadmin-pipe reconcile`: run the reconcile sweep with a token (for a cron job, or by hand).
import { parseArgs } from "node:util";
import type { TriageConfig } from "../config.js";
import { reconcile } from "../reconcile/sweep.js";
import { tokenClient, type TokenIo } from "./token-client.js";

export async function reconcileCommand(
  args: string[],
  shipped: TriageConfig,
  io: TokenIo,
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
  const client = await tokenClient(shipped, io);
  if (!client) {
    io.stderr(
      "Set GITHUB_TOKEN to a token that can read and write the watched repositories' issues.\n",
    );
    return 2;
  }
  const { github, live, log } = client;
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

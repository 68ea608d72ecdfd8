// `sysadmin-pipe reconcile`: run the reconcile sweep with a token (for a cron job, or by hand).
import { watchedRepos, type TriageConfig } from "../registry/triage-config.js";
import { isWatched } from "../usecase/issue-job.js";
import { reconcile, type SweepOptions, type SweepReport } from "../features/sweep/sweep.js";
import { runHere } from "../features/sweep/run-here.js";
import { itemFor, type Task } from "../features/tasks.js";
import { connectShared } from "../coordination/connect.js";
import type { Logger } from "../logger.js";
import { readDeployment } from "../settings.js";
import { UsageError, type CommandIo, type Context } from "./command.js";
import { tokenClient } from "./token-client.js";

type ReconcileValues = { repo?: string[]; "dry-run"?: boolean; json?: boolean };

export async function reconcileCommand({
  values,
  io,
  config,
}: Context<ReconcileValues>): Promise<number> {
  const repos = values.repo ?? [];
  const malformed = repos.find((r) => !/^[\w.-]+\/[\w.-]+$/.test(r));
  if (malformed !== undefined)
    throw new UsageError(`--repo \`${malformed}\` is not a repository: write it OWNER/NAME`);
  const client = await tokenClient(config(), io, values["dry-run"] ?? false);
  if (!client) {
    io.stderr(
      "Set GITHUB_TOKEN to a token that can read and write the watched repositories' issues.\n",
    );
    return 2;
  }
  const { github, live, log, appLogin, executor } = client;
  refuseUnwatched(repos, live.config);
  const dryRun = values["dry-run"] ?? false;
  // A token cannot ask GitHub which App it is: a wrong guess would take the app's comments for
  // someone else's and write new ones on every issue.
  if (!dryRun && client.appLoginAssumed) {
    io.stderr(
      "Set APP_SLUG to the App's slug (as in github.com/apps/<slug>): the sweep writes the bot comment, and must know which comments are the app's own.\n",
    );
    return 2;
  }
  const here = runHere({ github, live, store: client.store, executor, appLogin, log });
  const report = await besideTheApp(io, log, here, (shared) =>
    reconcile(github, live, { repos: values.repo, log, appLogin, ...shared }),
  );
  if (!report) {
    io.stderr("Another reconcile sweep is running (in the app or from a command line): not run.\n");
    return 1;
  }
  if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
  else printReport(report, dryRun, io);
  return report.failed.length ? 1 : 0;
}

/**
 * With REDIS_URL, the sweep runs only when no other sweep does, leaves the app's queued issues
 * alone and hands what it finds to the app's queue: the app's replicas run it in its turn, as
 * they run deliveries. Without it, it cannot see the app, so it runs the work itself, each under
 * its issue's lock: docs/running-it.md says not to run it beside a live app, and the quiet period
 * (issues updated in the last two minutes are skipped) is all that keeps them apart.
 */
async function besideTheApp(
  io: CommandIo,
  log: Logger,
  here: SweepOptions["submit"],
  sweep: (shared: Pick<SweepOptions, "queued" | "quietMs" | "submit">) => Promise<SweepReport>,
): Promise<SweepReport | undefined> {
  const read = readDeployment(io.env);
  const redisUrl = read.ok ? read.settings.REDIS_URL : undefined;
  if (!redisUrl) return sweep({ submit: here });
  const shared = await connectShared<Task>({ redisUrl, log });
  try {
    const ran = await shared.coordinator.tryLock("sweep", () =>
      sweep({
        queued: () => shared.queue.queuedIssues(),
        quietMs: 0,
        submit: async (task) => ({ queued: await shared.queue.add(itemFor(task, false)) }),
      }),
    );
    return ran?.value;
  } finally {
    await shared.close();
  }
}

/** The sweep would skip an unwatched repository silently; a person asking for one is mistaken. */
function refuseUnwatched(repos: string[], config: TriageConfig): void {
  const unwatched = repos.find((r) => !isWatched(r, config));
  if (unwatched === undefined) return;
  const watched = watchedRepos(config).join(", ");
  throw new UsageError(
    `--repo \`${unwatched}\` is not a watched repository; the watched ones are: ${watched}`,
  );
}

function printReport(report: SweepReport, dryRun: boolean, io: CommandIo): void {
  const verb = dryRun ? "would re-triage" : "re-triaged";
  for (const s of report.stale) io.stdout(`${verb} ${s.issue}: ${s.why}\n`);
  for (const f of report.failed) io.stdout(`FAILED ${f.issue}: ${f.error}\n`);
  io.stdout(
    `${report.scanned} open issues in ${report.repos} repositories: ${report.stale.length} stale, ${report.repaired} repaired, ${report.submitted} handed to the app's queue, ${report.skippedRecent} left to the live app (updated in the last minutes), ${report.skippedQueued} queued in the app, ${report.failed.length} failed.\n`,
  );
}

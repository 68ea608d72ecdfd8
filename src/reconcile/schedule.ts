// The reconcile sweep on a schedule, inside the app: every RECONCILE_EVERY_MINUTES, for each
// installation, with that installation's token. One sweep at a time; a failed sweep is logged
// and the next one tries again.
import type { Probot } from "probot";
import type { ConfigStore } from "../github/live-config.js";
import { gitHubClient } from "../github/client.js";
import { listInstallations } from "../github/issue-api.js";
import type { GitHub } from "../github/client-types.js";
import type { Chat } from "../notify/chat.js";
import { reconcile, type SweepReport } from "./sweep.js";

export interface ScheduledSweep {
  run: () => Promise<SweepReport[]>;
  stop: () => void;
}

export function scheduleReconcile(
  app: Pick<Probot, "auth" | "log">,
  store: ConfigStore,
  options: { everyMinutes?: number; dryRun: boolean; chat?: Chat },
): ScheduledSweep {
  let running: Promise<SweepReport[]> | undefined;
  const sweepAll = async (): Promise<SweepReport[]> => {
    const appOctokit = (await app.auth()) as unknown as GitHub;
    const installations = await listInstallations(appOctokit);
    const reports: SweepReport[] = [];
    for (const installation of installations) {
      const github = gitHubClient(await app.auth(installation.id), {
        log: app.log,
        dryRun: options.dryRun,
      });
      const live = await store.get(github, String(installation.id));
      const account =
        installation.account && "login" in installation.account ? installation.account.login : "";
      const repos = [
        live.config.policy.watch.install_repo,
        ...live.config.policy.watch.repos,
      ].filter((r) => r.split("/")[0]!.toLowerCase() === account.toLowerCase());
      if (!repos.length) continue;
      reports.push(
        await reconcile(github, live, {
          repos,
          dryRun: options.dryRun,
          installation: String(installation.id),
          log: app.log,
          deps: { chat: options.chat },
        }),
      );
    }
    return reports;
  };
  const run = () => {
    running ??= sweepAll().finally(() => (running = undefined));
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  if (options.everyMinutes && options.everyMinutes > 0) {
    timer = setInterval(() => {
      run().catch((error: unknown) =>
        app.log.error({ error: String(error) }, "scheduled reconcile sweep failed"),
      );
    }, options.everyMinutes * 60_000);
    timer.unref(); // never keeps the process alive on its own
  }
  return { run, stop: () => clearInterval(timer) };
}

// The reconcile sweep on a schedule, inside the app: shortly after start (work a stopped replica
// held only in memory is found again) and every RECONCILE_EVERY_MINUTES, for each installation
// with its token. However many replicas run, one sweep per period: each period is claimed once
// through the coordinator, and one sweep at a time holds the "sweep" lock. A failed sweep is
// logged and the next one tries again. The last sweep is noted for /status. Each sweep first
// reads GitHub's delivery log (delivery-log.ts), and so does the app shortly after it starts.
import { countPromises, countSweep } from "../../metrics/metrics.js";
import type { Probot } from "probot";
import type { Coordinator, WorkQueue } from "../../coordination/types.js";
import type { ConfigStore } from "../../github/live-config.js";
import { gitHubClient } from "../../github/client.js";
import { listInstallations } from "../../github/issue-api.js";
import type { GitHub } from "../../github/client-types.js";
import { reconcile, type SweepOptions, type SweepReport } from "./sweep.js";

export interface ScheduledSweep {
  /** Sweep now, unless another sweep (any replica) is running: then undefined. */
  run: () => Promise<SweepReport[] | undefined>;
  stop: () => void;
}

export interface ScheduleOptions {
  /** 0 or unset: only on demand (run()). */
  everyMinutes?: number;
  /** The first sweep after start (default one minute). */
  firstAfterMs?: number;
  /** What the sweep finds goes to the app's queue, like any delivery. */
  submit: SweepOptions["submit"];
  coordinator: Coordinator;
  queue: Pick<WorkQueue, "queuedIssues">;
  /** The login the app's own comments are written by (see github/app-identity.ts). */
  appLogin: () => Promise<string>;
  /** Ask GitHub to deliver again what never reached the app (delivery-log.ts), as the App. */
  redeliver?: (app: GitHub) => Promise<unknown>;
  /** The first look at GitHub's delivery log after start (default five seconds; null: none). */
  redeliverAfterMs?: number | null;
  /** Response promises: the time they are judged at, and how a next step is set again. */
  now?: SweepOptions["now"];
  remind?: SweepOptions["remind"];
}

/** What /status shows of the last sweep, across replicas. */
export interface LastSweep {
  at: string;
  seconds: number;
  scanned: number;
  stale: number;
  /** Work handed to the queue. */
  submitted: number;
  queued: number;
  failed: number;
  /** The issues the sweep could not look at or repair (the first 20), for an operator. */
  failedIssues: string[];
  /** Response promises waiting for a first response, and those of them past due. */
  promises: { open: number; overdue: number };
}

export const LAST_SWEEP = "last-sweep";

export function scheduleReconcile(
  app: Pick<Probot, "auth" | "log">,
  store: ConfigStore,
  options: ScheduleOptions,
): ScheduledSweep {
  const appClient = async () => gitHubClient(await app.auth(), { log: app.log });
  /** One replica at a time; a GitHub without the delivery log (an old Enterprise) is logged,
   * and the sweep's own look at the issues goes on. */
  const redeliver = async (appOctokit: GitHub) => {
    if (!options.redeliver) return;
    await options.coordinator
      .tryLock("delivery-log", () => options.redeliver!(appOctokit))
      .catch((error: unknown) =>
        app.log.warn({ error: String(error) }, "could not read GitHub's delivery log"),
      );
  };
  const sweepAll = async (): Promise<SweepReport[]> => {
    const started = Date.now();
    const appOctokit = await appClient();
    await redeliver(appOctokit);
    const appLogin = await options.appLogin();
    const reports: SweepReport[] = [];
    for (const installation of await listInstallations(appOctokit)) {
      const github = gitHubClient(await app.auth(installation.id), { log: app.log });
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
          installation: String(installation.id),
          log: app.log,
          submit: options.submit,
          // The app knows its queue: nothing needs a quiet period to be left alone.
          quietMs: 0,
          queued: () => options.queue.queuedIssues(),
          appLogin,
          ...(options.now ? { now: options.now } : {}),
          ...(options.remind ? { remind: options.remind } : {}),
        }),
      );
    }
    await options.coordinator.note(LAST_SWEEP, summarise(reports, started));
    return reports;
  };
  const counted = async (): Promise<SweepReport[]> => {
    try {
      const reports = await sweepAll();
      const sum = summarise(reports, Date.now());
      countSweep("ok", sum.submitted, sum.failed);
      countPromises(sum.promises.open, sum.promises.overdue);
      return reports;
    } catch (error) {
      countSweep("failed");
      throw error;
    }
  };
  const run = async () => (await options.coordinator.tryLock("sweep", counted))?.value;
  const every = (options.everyMinutes ?? 0) * 60_000;
  /** Sweep unless a replica already swept in this period. */
  const tick = async () => {
    const period = Math.floor(Date.now() / every);
    if (await options.coordinator.claim(`sweep-period:${every}:${period}`, (every * 2) / 1000))
      await run();
  };
  const guarded = () =>
    tick().catch((error: unknown) =>
      app.log.error({ error: String(error) }, "scheduled reconcile sweep failed"),
    );
  const timers: NodeJS.Timeout[] = [];
  // On start, what failed while the app was down is asked for again, sweep or no sweep.
  const atStart = () =>
    appClient()
      .then(redeliver)
      .catch((error: unknown) =>
        app.log.warn({ error: String(error) }, "could not read GitHub's delivery log"),
      );
  const firstLook = options.redeliverAfterMs === undefined ? 5_000 : options.redeliverAfterMs;
  if (options.redeliver && firstLook !== null) timers.push(setTimeout(atStart, firstLook));
  if (every > 0)
    timers.push(setTimeout(guarded, options.firstAfterMs ?? 60_000), setInterval(guarded, every));
  for (const timer of timers) timer.unref(); // never keeps the process alive on its own
  return { run, stop: () => timers.forEach((t) => clearTimeout(t)) };
}

function summarise(reports: SweepReport[], started: number): LastSweep {
  const sum = (pick: (r: SweepReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  return {
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    scanned: sum((r) => r.scanned),
    stale: sum((r) => r.stale.length),
    submitted: sum((r) => r.submitted),
    queued: sum((r) => r.skippedQueued),
    failed: sum((r) => r.failed.length),
    failedIssues: reports.flatMap((r) => r.failed.map((f) => f.issue)).slice(0, 20),
    promises: {
      open: sum((r) => r.promises.open),
      overdue: sum((r) => r.promises.overdue),
    },
  };
}

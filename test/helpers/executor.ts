// The executors the tests hand to the sweep and its schedule (writing, or in a dry run logging),
// and the sweep as the command line runs it without Redis.
import { Executor } from "../../src/github/executor.js";
import { labelStyle } from "../../src/triage/label-names.js";
import type { ExecutorFor } from "../../src/usecase/issue-job.js";
import type { GitHub } from "../../src/github/client-types.js";
import { ConfigStore, type LiveConfig } from "../../src/github/live-config.js";
import { runHere } from "../../src/features/sweep/run-here.js";
import { reconcile, type SweepOptions, type SweepReport } from "../../src/features/sweep/sweep.js";

const executorFor =
  (dryRun: boolean): ExecutorFor =>
  (github, ref, { log, policy }) =>
    new Executor(github, ref, { dryRun, log, labelStyle: (name) => labelStyle(name, policy) });

/** Plans applied on GitHub. */
export const WRITES = executorFor(false);
/** Plans logged only. */
export const DRY_RUN = executorFor(true);

/** The sweep as the command line runs it without Redis: the work it finds done here, written. */
export function sweepHere(
  github: unknown,
  live: LiveConfig,
  options: Omit<SweepOptions, "submit">,
): Promise<SweepReport> {
  const gh = github as GitHub;
  const store = new ConfigStore(live.config, options.log);
  const here = { github: gh, live, store, executor: WRITES, appLogin: options.appLogin };
  return reconcile(gh, live, { ...options, submit: runHere({ ...here, log: options.log }) });
}

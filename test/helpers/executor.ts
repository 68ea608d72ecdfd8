// The executors the tests hand to the sweep and its schedule: writing, or (dry run) logging.
import { Executor } from "../../src/github/executor.js";
import { labelStyle } from "../../src/triage/label-names.js";
import type { ExecutorFor } from "../../src/usecase/issue-job.js";

const executorFor =
  (dryRun: boolean): ExecutorFor =>
  (github, ref, { log, policy }) =>
    new Executor(github, ref, { dryRun, log, labelStyle: (name) => labelStyle(name, policy) });

/** Plans applied on GitHub. */
export const WRITES = executorFor(false);
/** Plans logged only. */
export const DRY_RUN = executorFor(true);

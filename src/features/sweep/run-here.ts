// The sweep's work run right here, each piece under its issue's lock in this process, instead of
// in the app's queue: the command line without Redis (it cannot reach the app), and tests.
import { systemClock } from "../../clock.js";
import { inProcessCoordinator } from "../../coordination/in-process.js";
import type { GitHub } from "../../github/client-types.js";
import type { ConfigStore, LiveConfig } from "../../github/live-config.js";
import type { Logger } from "../../logger.js";
import type { ExecutorFor } from "../../usecase/issue-job.js";
import type { FeatureDeps } from "../feature.js";
import { runTask } from "../index.js";
import { itemFor } from "../tasks.js";
import type { SweepOptions } from "./sweep.js";

export interface Here {
  github: GitHub;
  live: LiveConfig;
  store: ConfigStore;
  executor: ExecutorFor;
  appLogin: string;
  log: Logger;
}

export function runHere(here: Here): SweepOptions["submit"] {
  const coordinator = inProcessCoordinator();
  const deps: FeatureDeps = {
    config: () => Promise.resolve(here.live),
    executor: here.executor,
    coordinator,
    appLogin: () => Promise.resolve(here.appLogin),
    clock: systemClock,
    store: here.store,
    auth: () => Promise.resolve(here.github),
    log: here.log,
  };
  return (task) =>
    coordinator.withLock(`issue:${itemFor(task, false).issue}`, async () => ({
      queued: false,
      done: (await runTask(task, deps, here.github)) ?? undefined,
    }));
}

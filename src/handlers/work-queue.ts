// The one queue all work goes through: a delivery's task, a repair or a replay the sweep found.
// Submitting drops what any replica has already queued (by the task's id); in its turn an item
// runs under its issue's lease (across replicas with Redis), with its feature's runner.
import type { Coordinator, WorkItem, WorkQueue } from "../coordination/types.js";
import type { FeatureDeps, Queued } from "../features/feature.js";
import { runTask } from "../features/index.js";
import type { Submitted } from "../features/sweep/sweep.js";
import { itemFor, type Task } from "../features/tasks.js";

export interface WorkDeps extends FeatureDeps {
  queue: WorkQueue<Task>;
  /** Run each item inside its webhook handler instead of queueing it (handler tests). */
  inline: boolean;
  coordinator: Coordinator;
}

/** Run one item; what it did, in words. `octokit`: the delivery's, when it runs inline. */
export type RunItem = (item: WorkItem<Task>, octokit?: unknown) => Promise<string | void>;

const DAY = 24 * 60 * 60;

/** Queue the work (or run it now, inline); work any replica already has is dropped. */
export async function submit(
  queued: Queued,
  deps: WorkDeps,
  run: RunItem,
  octokit?: unknown,
): Promise<Submitted> {
  const item = itemFor(queued.task, queued.urgent);
  const where = { work: item.id, issue: item.issue, urgent: item.urgent };
  if (deps.inline) {
    if (await deps.coordinator.claim(`queued:${item.id}`, DAY))
      return { queued: false, done: (await run(item, octokit)) ?? undefined };
  } else if (await deps.queue.add(item)) {
    deps.log.info(where, "queued");
    return { queued: true };
  }
  deps.log.info(where, "already received (a re-delivery): dropped before any write");
  return { queued: false };
}

/** Running a queued item: an Octokit for its installation, its issue's lease, its feature. */
export function workRunner(deps: WorkDeps): RunItem {
  return async (item, octokit) => {
    deps.log.info({ work: item.id, issue: item.issue, urgent: item.urgent }, "work started");
    const client = octokit ?? (await deps.auth(item.task.installation));
    return deps.coordinator.withLock(`issue:${item.issue}`, () => runTask(item.task, deps, client));
  };
}

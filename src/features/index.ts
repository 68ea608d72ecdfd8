// The features, one list: which webhook events each takes and which kinds of queued work each
// runs. The wiring (index.ts) registers every receiver and dispatches every queued task from
// here; nothing else names a feature.
import { commands } from "./commands/comment-events.js";
import type { Feature, Runner } from "./feature.js";
import { promises } from "./promises/promises-feature.js";
import { registryCheck } from "./registry-check/registry-events.js";
import { sweep } from "./sweep/sweep-feature.js";
import type { Task, TaskKind } from "./tasks.js";
import { tierApplications } from "./tier-applications/pull-closed.js";
import { triage } from "./triage/issue-events.js";

export const FEATURES: readonly Feature[] = [
  triage,
  commands,
  tierApplications,
  registryCheck,
  promises,
  sweep,
];

/** The feature's runner for a kind of work (each kind is run by exactly one feature). */
export function runnerOf<K extends TaskKind>(kind: K): Runner<K> {
  const owners = FEATURES.flatMap((f) => {
    const run = f.runs?.[kind];
    return run ? [run] : [];
  });
  if (owners.length !== 1) throw new Error(`${owners.length} features run \`${kind}\` work`);
  return owners[0] as Runner<K>;
}

/** Run a task with its kind's runner. */
export const runTask = (
  task: Task,
  ...rest: Parameters<Runner<TaskKind>> extends [unknown, ...infer R] ? R : never
) => (runnerOf(task.kind) as Runner<TaskKind>)(task as never, ...rest);

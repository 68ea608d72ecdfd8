// Running a queued item: an Octokit for its installation, its job, and the issue's lock (held
// across replicas with Redis), so events for one issue never interleave anywhere.
import { issueJobFor } from "../usecase/issue-job.js";
import { runCommandTask } from "./comments.js";
import { runIssueTask } from "./issue-events.js";
import type { RunItem, WorkDeps } from "./work-items.js";

export function workRunner(deps: WorkDeps): RunItem {
  return async (item, octokit) => {
    const { task } = item;
    deps.log.info({ work: item.id, issue: item.issue, urgent: item.urgent }, "work started");
    const job = await issueJobFor(
      {
        octokit: octokit ?? (await deps.auth(task.installation)),
        log: deps.log,
        deliveryId: task.deliveryId,
        repo: task.repo,
        number: task.number,
        installation: task.installation,
      },
      deps,
    );
    if (!job) return;
    await deps.coordinator.withLock(`issue:${item.issue}`, () =>
      task.kind === "issue" ? runIssueTask(job, task) : runCommandTask(job, task),
    );
  };
}

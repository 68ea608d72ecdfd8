// The work a webhook asks for, as it waits in the queue: plain data (it may sit in Redis and run
// on another replica), one item per delivery or command comment. Submitting drops what any
// replica has already queued; the queue then runs it (or, inline, it runs right here).
import type { Coordinator, WorkItem, WorkQueue } from "../coordination/types.js";
import type { Logger } from "../logger.js";
import { issueKey, type AppDeps, type IssueData } from "../usecase/issue-job.js";

interface TaskBase {
  deliveryId: string;
  /** owner/name */
  repo: string;
  number: number;
  installation: string;
  /** The issue as the payload had it (read fresh once the app has written to it). */
  issue: IssueData;
}

/** issues.opened / edited / reopened / closed */
export interface IssueTask extends TaskBase {
  kind: "issue";
  action: string;
}

/** A comment with slash commands. */
export interface CommandTask extends TaskBase {
  kind: "commands";
  /** `createdAt`: when GitHub says it was written (absent in items queued by an older app). */
  comment: { id: number; body: string; login: string; createdAt?: string };
}

export type Task = IssueTask | CommandTask;

export interface WorkDeps extends AppDeps {
  queue: WorkQueue<Task>;
  /** Run each item inside its webhook handler instead of queueing it (handler tests). */
  inline: boolean;
  /** An Octokit for an installation, for work that runs later or on another replica. */
  auth: (installation: string) => Promise<unknown>;
  log: Logger;
}

export type RunItem = (item: WorkItem<Task>, octokit?: unknown) => Promise<void>;

/** One item per delivery; a command comment is one item however often it is delivered. */
export function itemFor(task: Task, urgent: boolean): WorkItem<Task> {
  const id =
    task.kind === "commands"
      ? `comment-${task.repo}-${task.comment.id}`
      : `delivery-${task.deliveryId}`;
  return {
    id: id.toLowerCase(),
    installation: task.installation,
    issue: issueKey(task.repo, task.number),
    urgent,
    task,
  };
}

const DAY = 24 * 60 * 60;

/** Queue the task (or run it now, inline); a delivery any replica already has is dropped. */
export async function submit(
  item: WorkItem<Task>,
  deps: WorkDeps & { coordinator: Coordinator },
  run: RunItem,
  octokit: unknown,
): Promise<void> {
  const where = { work: item.id, issue: item.issue, urgent: item.urgent };
  if (deps.inline) {
    if (await deps.coordinator.claim(`queued:${item.id}`, DAY)) return run(item, octokit);
  } else if (await deps.queue.add(item)) {
    deps.log.info(where, "queued");
    return;
  }
  deps.log.info(where, "already received (a re-delivery): dropped before any write");
}

// The kinds of work the app queues, one table: every delivery, every repair the sweep finds and
// every lost command it replays becomes one of these, waits in the per-installation queue (one
// at a time across replicas) and runs under its issue's lease. Plain data: it may sit in Redis
// and run on another replica.
import type { WorkItem } from "../coordination/types.js";
import type { CommandComment } from "../usecase/command-comment.js";
import { issueKey, type IssueData } from "../usecase/issue-job.js";
import type { ClosedPull } from "../usecase/tier-application.js";

interface TaskBase {
  deliveryId: string;
  /** When the app received the delivery (or found the work), ms since 1970: set when queued. */
  receivedAt?: number;
  /** owner/name: where the work's issue (or pull request) is. */
  repo: string;
  number: number;
  installation: string;
}

/** issues.opened / edited / reopened / closed (triage). */
export interface IssueTask extends TaskBase {
  kind: "issue";
  action: string;
  /** The issue as the payload had it (read fresh once the app has written to it). */
  issue: IssueData;
}

/** A comment with slash commands: a delivery, or one the sweep found unanswered (commands). */
export interface CommandTask extends TaskBase {
  kind: "commands";
  comment: CommandComment;
  /** The issue as the delivery carried it (none for a replay: what the issue read is unknown). */
  issue?: IssueData;
}

/** A tier decision's registry pull request closed (tier applications); on the linked issue. */
export interface PullClosedTask extends TaskBase {
  kind: "pull-closed";
  pull: ClosedPull;
}

/** A pull request on the registry repository to check (registry check); `number`: the PR's. */
export interface RegistryCheckTask extends TaskBase {
  kind: "registry-check";
  head: string;
  base: string;
}

/** An issue the sweep found stale: read again and repaired in its turn (sweep). */
export interface RepairTask extends TaskBase {
  kind: "repair";
  why: string;
}

/** A person answered a request (a comment, an assignment, a card moved on): its response
 * promise may be met (promises). */
export interface ResponseTask extends TaskBase {
  kind: "response";
  /** The person's login. */
  by: string;
  /** When, as GitHub says (ISO time). */
  at: string;
  via: "comment" | "assignment" | "card";
}

/** A response promise's escalation step may be due (promises): set for its time, or found by
 * the sweep. `deliveryId` names the step it was set for. */
export interface EscalateTask extends TaskBase {
  kind: "escalate";
}

export type Task =
  | IssueTask
  | CommandTask
  | PullClosedTask
  | RegistryCheckTask
  | RepairTask
  | ResponseTask
  | EscalateTask;
export type TaskKind = Task["kind"];
export type TaskOf<K extends TaskKind> = Extract<Task, { kind: K }>;

/** Its id: a second add with the same id (a re-delivery, a command delivered twice) is dropped. */
function idOf(task: Task): string {
  switch (task.kind) {
    case "commands":
      return `comment-${task.repo}-${task.comment.id}`;
    case "pull-closed":
      return `pull-closed-${task.pull.repo}-${task.pull.number}-${task.pull.merged}`;
    case "repair":
      return `repair-${task.repo}-${task.number}-${task.deliveryId}`;
    case "escalate":
      return `escalate-${task.repo}-${task.number}-${task.deliveryId}`;
    default:
      return `delivery-${task.deliveryId}`;
  }
}

/** The queue's item for a task; `urgent` (an accepted S0) goes ahead of the rest. */
export function itemFor(task: Task, urgent: boolean): WorkItem<Task> {
  return {
    id: idOf(task).toLowerCase(),
    installation: task.installation,
    issue: issueKey(task.repo, task.number),
    urgent,
    task: task.receivedAt === undefined ? { ...task, receivedAt: Date.now() } : task,
  };
}

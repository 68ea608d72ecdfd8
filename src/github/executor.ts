// The one place that writes to GitHub on an issue's behalf, and the one place that knows about
// dry run: a use case decides and hands its writes here as a plan; the executor applies them in
// the plan's order (GitHub spaces each write), or, in a dry run, logs each and writes nothing.
// Steps whose result a use case needs next (the board's card, a registry pull request) have their
// own methods; in a dry run they answer as if nothing were there to change.
import type { Logger } from "../logger.js";
import type { Chat } from "../notify/chat.js";
import { assertLeaseHeld } from "../coordination/lease.js";
import type { IssueWrites } from "../triage/issue-writes.js";
import type { Healing } from "../triage/app-comments.js";
import { applyHealing } from "./bot-comment.js";
import { syncBoard, type BoardOutcome, type BoardRequest } from "./board-sync.js";
import { publishCheck, type CheckRun } from "./checks.js";
import type { GitHub, IssueRef } from "./client-types.js";
import { redeliver } from "./deliveries.js";
import {
  addAssignee,
  closeIssue,
  createComment,
  reactToComment,
  removeAssignee,
  type Reaction,
} from "./issue-api.js";
import { ensureLabels, type LabelStyle } from "./label-store.js";
import type { Drift } from "../board/setup.js";
import { fixDrift } from "./board-fields.js";
import { driftLines } from "../board/setup.js";
import { writeTrackingIssue, type TrackingResult, type TrackingStep } from "./tracking-issues.js";
import {
  closeRegistryPullRequest,
  openRegistryPullRequest,
  type PullResult,
  type RegistryPull,
} from "./registry-pr.js";

/** One write on the issue the executor works for. */
export type WriteStep =
  /** The labels, then the bot comment that records them (`labeled`: added with the card). */
  | { kind: "issue"; writes: IssueWrites; labeled?: readonly string[] }
  /** A new comment: a reply, a note, a mention (GitHub notifies only for new text). */
  | { kind: "note"; body: string }
  | { kind: "reaction"; comment: number; content: Reaction }
  /** A post to the chat channel (an S0, a new jobs-board item). */
  | { kind: "chat"; text: string }
  | { kind: "assign"; login: string }
  | { kind: "unassign"; login: string }
  | { kind: "close"; reason: "completed" | "not_planned" }
  /** Several bot comments on the issue: the oldest rewritten with every state, the others gone. */
  | { kind: "heal"; healing: Healing };

export type WritePlan = readonly WriteStep[];

export interface ExecutorOptions {
  dryRun: boolean;
  log: Logger;
  /** The chat channel, when one is configured. */
  chat?: Chat;
  /** How the app's labels look when it creates them in a repository. */
  labelStyle: LabelStyle;
}

/** What a step says in the log: its kind and its small facts, never a whole body. */
function described(step: WriteStep): object {
  switch (step.kind) {
    case "issue":
      return {
        add: step.writes.addLabels,
        remove: step.writes.removeLabels,
        comment: step.writes.comment.action,
      };
    case "note":
    case "chat":
      return { chars: (step.kind === "note" ? step.body : step.text).length };
    case "heal":
      return { keep: step.healing.keep.id, remove: step.healing.remove };
    default:
      return { ...step, kind: undefined };
  }
}

export class Executor {
  constructor(
    private readonly github: GitHub,
    /** The issue it writes on (none for a repository's check run). */
    private readonly ref: IssueRef | undefined,
    private readonly options: ExecutorOptions,
  ) {}

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  /** Apply the plan's steps in order; in a dry run, log them and write nothing. */
  async apply(plan: WritePlan): Promise<void> {
    for (const step of plan) {
      if (this.options.dryRun) {
        this.options.log.info(
          { step: step.kind, ...described(step), dryRun: true },
          "dry run: not written",
        );
        continue;
      }
      await this.write(step);
    }
  }

  /** The issue's card made to match; in a dry run, the card as recorded. */
  async board(request: BoardRequest): Promise<BoardOutcome> {
    if (this.options.dryRun) {
      this.options.log.info({ step: "board", dryRun: true }, "dry run: not written");
      return { record: request.record };
    }
    return syncBoard({ ...request.context, github: this.github, ref: this.issue() }, request);
  }

  /** Open (or find, on a retry) a tier decision's registry pull request. */
  async openRegistryPull(pull: RegistryPull): Promise<PullResult> {
    if (this.options.dryRun) {
      this.options.log.info({ step: "registry pull request", dryRun: true }, "dry run: not opened");
      return { ok: false, problem: "not opened: the app runs in dry run" };
    }
    return openRegistryPullRequest(this.github, pull);
  }

  /** Close a registry pull request; "merged" when it was merged already. */
  async closeRegistryPull(pull: { repo: string; number: number }): Promise<"closed" | "merged"> {
    if (this.options.dryRun) {
      this.options.log.info({ step: "close pull request", dryRun: true }, "dry run: not closed");
      return "closed";
    }
    return closeRegistryPullRequest(this.github, pull);
  }

  /** Publish a check run on a commit of a repository. */
  async checkRun(where: { owner: string; repo: string }, sha: string, run: CheckRun) {
    if (this.options.dryRun) {
      this.options.log.info(
        { step: "check run", conclusion: run.conclusion, dryRun: true },
        "dry run: not written",
      );
      return;
    }
    await publishCheck(this.github, where, sha, run);
  }

  /** Keep a report's or review's issue as found necessary ("would-…" in a dry run). */
  async trackingIssue(step: TrackingStep): Promise<TrackingResult> {
    if (step.action !== "create" && step.action !== "update") return step;
    if (!this.options.dryRun) return writeTrackingIssue(this.github, step);
    this.options.log.info({ step: `${step.action} issue`, dryRun: true }, "dry run: not written");
    return { action: step.action === "create" ? "would-create" : "would-update" };
  }

  /** Create the board's missing fields and options; one line per change ("would …" in a dry run). */
  async boardFields(projectId: string, drift: readonly Drift[]): Promise<string[]> {
    if (this.options.dryRun) return driftLines(drift, true);
    return fixDrift(this.github, projectId, drift);
  }

  /** Ask GitHub to deliver a webhook delivery again (the App's own client). */
  async redeliver(id: number): Promise<void> {
    if (this.options.dryRun) {
      this.options.log.info({ step: "redeliver", id, dryRun: true }, "dry run: not asked");
      return;
    }
    await redeliver(this.github, id);
  }

  private issue(): IssueRef {
    if (!this.ref) throw new Error("this executor writes on no issue");
    return this.ref;
  }

  private async write(step: WriteStep): Promise<void> {
    const ref = () => this.issue();
    switch (step.kind) {
      case "issue":
        return this.issueWrites(step.writes, step.labeled ?? []);
      case "note":
        return createComment(this.github, ref(), step.body);
      case "reaction":
        return reactToComment(this.github, ref(), step.comment, step.content);
      case "chat":
        // Not a GitHub write, so the client's lease check does not see it: another replica may
        // be alerting for this issue now if the lease lapsed.
        assertLeaseHeld();
        await this.options.chat?.send(step.text);
        return;
      case "assign":
        if (!(await addAssignee(this.github, ref(), step.login)))
          this.options.log.warn(
            { login: step.login },
            "GitHub did not assign the job's developer: it assigns only people with access to the repository",
          );
        return;
      case "unassign":
        return removeAssignee(this.github, ref(), step.login);
      case "close":
        await closeIssue(this.github, ref(), step.reason);
        return;
      case "heal":
        return applyHealing(this.github, ref(), step.healing, this.options.log);
    }
  }

  /** Labels first, then the comment that records them. */
  private async issueWrites(writes: IssueWrites, labeled: readonly string[]): Promise<void> {
    const ref = this.issue();
    const add = writes.addLabels.filter((label) => !labeled.includes(label));
    if (add.length) {
      await ensureLabels(this.github, ref, add, this.options.labelStyle, this.options.log);
      // Adding is additive on GitHub: the issue's other labels are untouched.
      await this.github.rest.issues.addLabels({ ...ref, labels: add });
    }
    for (const name of writes.removeLabels) {
      try {
        await this.github.rest.issues.removeLabel({ ...ref, name });
      } catch (error) {
        // Already gone (someone removed it meanwhile) is the state we wanted.
        if ((error as { status?: number }).status !== 404) throw error;
      }
    }
    const comment = writes.comment;
    if (comment.action === "create") {
      await this.github.rest.issues.createComment({ ...ref, body: comment.body });
    } else if (comment.action === "update" && comment.id !== undefined) {
      await this.github.rest.issues.updateComment({
        owner: ref.owner,
        repo: ref.repo,
        comment_id: comment.id,
        body: comment.body,
      });
    }
  }
}

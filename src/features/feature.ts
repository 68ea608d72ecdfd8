// What a feature is: the webhook events it takes (each becomes queued work, or is answered at
// once: a reload), the kinds of work it runs in their turn, and work it does on a schedule. Each
// feature is a folder; features/index.ts lists them, and the wiring derives everything from the
// list (as rust-lang/triagebot's handlers or Prow's plugins register themselves).
import type { Context } from "probot";
import type { ConfigStore } from "../github/live-config.js";
import type { Logger } from "../logger.js";
import type { AppDeps } from "../usecase/issue-job.js";
import type { Task, TaskKind, TaskOf } from "./tasks.js";

/** What features are given: the app's dependencies and where the live registry is kept. */
export interface FeatureDeps extends AppDeps {
  store: ConfigStore;
  /** An Octokit for an installation, for work that runs later or on another replica. */
  auth: (installation: string) => Promise<unknown>;
  log: Logger;
}

/** A delivery turned into work for the queue. */
export interface Queued {
  task: Task;
  /** An accepted S0 goes ahead of the rest. */
  urgent: boolean;
}

/** Probot's webhook event names (`issues.opened`…). */
export type EventName = Parameters<import("probot").Probot["on"]>[0] extends infer E
  ? E extends readonly (infer One)[]
    ? One
    : E
  : never;

/** One group of events and how a delivery of them becomes work (never a write on GitHub). */
export interface Receiver {
  events: readonly EventName[];
  receive: (context: Context, deps: FeatureDeps) => Promise<Queued | undefined>;
}

/** How one kind of work runs in its turn (its issue's lease held): what it did, in words. */
export type Runner<K extends TaskKind> = (
  task: TaskOf<K>,
  deps: FeatureDeps,
  octokit: unknown,
) => Promise<string | void>;

export interface Feature {
  name: string;
  receivers?: readonly Receiver[];
  runs?: { [K in TaskKind]?: Runner<K> };
}

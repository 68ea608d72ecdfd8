// What the replicas of the app share, so that N of them behave like one: locks around an issue
// (and a board, and the sweep), "first time?" claims for deliveries and command comments, and
// the queue of work. Two implementations: in this process (one replica, the default) and Redis
// (any number of replicas, REDIS_URL).

export interface Coordinator {
  /** "redis" when replicas share it, "process" when it lives in this process only. */
  readonly kind: "redis" | "process";
  /** Run `work` while holding `key`, waiting for whoever holds it now (here or elsewhere). */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Run `work` if `key` is free now; undefined (without running) when someone holds it. */
  tryLock<T>(key: string, work: () => Promise<T>): Promise<{ value: T } | undefined>;
  /** True the first time `id` is claimed within `ttlSeconds`, false for every later claim. */
  claim(id: string, ttlSeconds: number): Promise<boolean>;
  /** Give a claim back (the work it guarded could not even be queued). */
  unclaim(id: string): Promise<void>;
  /** A small shared note (last sweep…), JSON. */
  note(key: string, value?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** One unit of queued work: an event on one issue. */
export interface WorkItem<T = unknown> {
  /** Unique per delivery (or command comment): a second add with the same id is dropped. */
  id: string;
  installation: string;
  /** owner/repo#number, lower case: the sweep leaves queued issues to the queue. */
  issue: string;
  /** S0 emergencies go ahead of everything else. */
  urgent: boolean;
  task: T;
}

export interface QueueStatus {
  /** Waiting to run (urgent and not). */
  waiting: number;
  active: number;
  /** Failed, waiting for a retry. */
  retrying: number;
  /** Failed for good after every retry (the sweep repairs these issues). */
  failed: number;
  /** Work set to run at a later time (a response promise's escalation steps). */
  scheduled: number;
}

export type Runner<T> = (item: WorkItem<T>) => Promise<void>;

export interface WorkQueue<T = unknown> {
  /** Queue the item; false when its id was already queued (by any replica). */
  add(item: WorkItem<T>): Promise<boolean>;
  /**
   * Queue the item when the clock reaches `at` (ms since 1970); false when an item with its id
   * is already set (by any replica). Set items are not "queued issues": the sweep still looks.
   */
  later(item: WorkItem<T>, at: number): Promise<boolean>;
  /** Start running items, one at a time per installation (across replicas). */
  start(run: Runner<T>): Promise<void>;
  /** Issues with work waiting, running or waiting for a retry. */
  queuedIssues(): Promise<Set<string>>;
  status(): Promise<QueueStatus>;
  /** Stop taking new items; let the running ones finish. */
  close(): Promise<void>;
}

/** When a failed item runs again: within two minutes of its first failure, then it is left. */
export const RETRY_DELAYS_MS = [15_000, 30_000, 60_000] as const;

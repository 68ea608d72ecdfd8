// The data that flows through triage: what we read from an issue, and the plan we decide.
import type { Tier } from "../registry/schema.js";
import type { Category, Kind, Outcome, Severity, Size } from "../registry/vocabulary.js";

/** An issue as triage sees it: plain data, no GitHub client. */
export interface IssueInput {
  repo: string; // "owner/name"
  number?: number;
  title: string;
  body: string;
  labels: string[];
  author?: string;
  /** What the app recorded last time (from its comment's hidden state). */
  previous?: RecordedState;
}

/** Where a value came from, so the comment can say why. */
export type Source = "override" | "form" | "repo" | "text" | "default";

// What the app records in its comment's hidden state: the types come from its schema.
export type {
  BoardRecord,
  CardValues,
  Commanded,
  Job,
  Overrides,
  PersonDecision,
  RecordedState,
  TimeLog,
} from "./state.js";
import type { Job, Overrides, PersonDecision, RecordedState } from "./state.js";

export type Instead = "job-board" | "tier-review";

/** How one instance's tier judges the request. */
export interface InstanceVerdict {
  code: string;
  /** How people call the instance, as Markdown (registry values are outside text). */
  display: string;
  tier: Tier;
  covered: boolean;
  reason: string;
  instead: Instead[];
}

export interface TriagePlan {
  kind: Kind;
  instances: string[];
  /** Instance codes named (e.g. in the form) that the registry does not know. */
  unknownInstances: string[];
  category: Category | null;
  severity: Severity;
  size: Size;
  outcome: Outcome;
  /** Why the app took it for instance work, ofn-install's or the app's (plain words). */
  kindReason: string;
  verdicts: InstanceVerdict[];
  /** What is missing for a needs-info request. */
  missing: ("instance" | "category")[];
  reasons: string[];
  /** The app's labels the issue should carry (overrides included). */
  labels: string[];
  sources: { instances: Source; category: Source; severity: Source; size: Source };
  overrides: Overrides;
  /** Labels the app must not add again, because a person removed them. */
  suppressed: string[];
  /** Set when a maintainer's `/accept` or `/reject` decided the outcome. */
  decidedBy?: PersonDecision;
  /** A rejected request its instance put on the paid jobs board. */
  jobBoard: boolean;
  /** The job a developer took, while the request is on the jobs board. */
  job?: Job;
  /** A rejection held back because the live registry is broken: a person decides. */
  held?: boolean;
}

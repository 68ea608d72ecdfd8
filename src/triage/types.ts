// The data that flows through triage: what we read from an issue, and the plan we decide.
import type { Column } from "../registry/policy.js";
import type { Tier } from "../registry/schema.js";
import type { Category, Kind, Outcome, Severity, Size } from "./vocabulary.js";

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

/** Values a person set on the app's label vocabulary; they win over the text. */
export interface Overrides {
  instances?: string[];
  category?: Category;
  severity?: Severity;
  size?: Size;
}

/** A policy decision a maintainer made with `/accept` or `/reject`. */
export interface PersonDecision {
  outcome: "accepted" | "rejected";
  by: string;
  reason?: string;
}

/** What people said with slash commands; kept until changed by another command. */
export interface Commanded {
  overrides: Overrides;
  decision?: PersonDecision;
  /** A rejected request opted into the paid jobs board, and by whom. */
  jobBoard?: { by: string };
}

/** Logged time in minutes. Jobs-board time is paid extra work: never counted as pipe time. */
export interface TimeLog {
  pipe: number;
  jobs: number;
}

/** Single-select values of a card, by the policy's field key. */
export type CardValues = Partial<Record<"severity" | "size" | "tier" | "instance", string>>;

/** What the app last set on the board: compared with what it wants now before any board request. */
export interface BoardRecord {
  column?: Column;
  archived?: boolean;
  hours?: number;
  /** The card's fields as the app last set them (none in records older than this field). */
  values?: CardValues;
}

/** The hidden state kept in the bot comment, so any replica decides the same thing. */
export interface RecordedState {
  v: 1;
  /** Labels the app itself added (not a person's overrides). */
  applied: string[];
  /** Labels the app added that a person removed: never added again. */
  suppressed: string[];
  overrides: Overrides;
  outcome?: Outcome;
  /** Recent delivery ids, so a re-delivery is recognised cheaply. */
  deliveries?: string[];
  /** What the app last set on the board. */
  board?: BoardRecord;
  commanded?: Commanded;
  time?: TimeLog;
  /** Ids of comments whose commands were handled, so a re-delivery runs nothing twice. */
  seen?: number[];
  /** Notifications already sent (an S0 alert, a new jobs-board item): sent once. */
  alerted?: { s0?: boolean; jobs?: boolean };
}

export type Instead = "job-board" | "tier-review";

/** How one instance's tier judges the request. */
export interface InstanceVerdict {
  code: string;
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
  /** A rejection held back because the live registry is broken: a person decides. */
  held?: boolean;
}

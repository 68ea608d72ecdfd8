// How well triage agrees with a sysadmin's labels: per-field accuracy, the kind confusion matrix,
// confident wrong answers and abstentions. Pure: rows and plans in, figures out.
import type { IssueInput, TriagePlan } from "../triage/types.js";
import {
  SEVERITIES,
  type Category,
  type Kind,
  type Outcome,
  type Severity,
} from "../registry/vocabulary.js";

/** What an OFN sysadmin decided for one issue. */
export interface Answer {
  kind: Kind;
  instances: string[];
  category?: Category | null;
  /** Other categories a sysadmin would accept as well. */
  category_also_ok: Category[];
  severity?: Severity;
  outcome?: Outcome;
}

export interface LabelledIssue {
  /** Where the row came from (the real issue's address), or its file and line. */
  source: string;
  /** The language the issue is written in (ISO 639-1), when the set says. */
  lang?: string;
  issue: IssueInput;
  answer: Answer;
}

/** One row judged: which fields the app got right (undefined: the field does not apply). */
export interface Judged {
  row: LabelledIssue;
  plan: TriagePlan;
  kind: boolean;
  instances?: boolean;
  category?: boolean;
  severity?: boolean;
  severityNear?: boolean;
  outcome?: boolean;
  /** The app said something wrong in a comment (a wrong kind or instance) instead of asking. */
  confidentWrong: boolean;
  /** The app stated nothing and left the issue to a person (needs-triage). */
  abstained: boolean;
}

export interface Rate {
  hits: number;
  of: number;
}

export type KindColumn = Kind | "abstained";
export const KIND_COLUMNS: readonly KindColumn[] = ["instance", "install", "other", "abstained"];

export interface Figures {
  rows: number;
  kind: Rate;
  instances: Rate;
  category: Rate;
  severity: Rate;
  severityNear: Rate;
  outcome: Rate;
  /** ofn-install's own work that the app treated as instance work. */
  installAsInstance: Rate;
  /** App issues (kind other) that the app treated as instance work. */
  otherAsInstance: Rate;
  confidentWrong: Rate;
  abstained: Rate;
  /** Rows by the sysadmin's kind, then by what the app did. */
  confusion: Record<Kind, Record<KindColumn, number>>;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  [...a].sort().join(",") === [...b].sort().join(",");

/** Whether the app's comment states a decision (instance work, which instances). */
function states(plan: TriagePlan): boolean {
  return (
    plan.outcome === "accepted" || plan.outcome === "rejected" || plan.outcome === "needs-info"
  );
}

export function judgeRow(row: LabelledIssue, plan: TriagePlan): Judged {
  const { answer } = row;
  const abstained = plan.outcome === "undecided";
  const treatedAsInstance = plan.kind === "instance" && !abstained;
  const onInstanceRow = answer.kind === "instance";
  const instances = onInstanceRow
    ? treatedAsInstance && sameSet(plan.instances, answer.instances)
    : undefined;
  const categories = [answer.category, ...answer.category_also_ok].filter(Boolean);
  const category =
    onInstanceRow && answer.category
      ? treatedAsInstance && plan.category !== null && categories.includes(plan.category)
      : undefined;
  // Severity is judged on instance rows: on other rows it labels nothing.
  const gap =
    answer.severity && onInstanceRow
      ? Math.abs(SEVERITIES.indexOf(plan.severity) - SEVERITIES.indexOf(answer.severity))
      : undefined;
  const wrongInstanceStated =
    plan.instances.length > 0 && !sameSet(plan.instances, answer.instances);
  return {
    row,
    plan,
    kind: plan.kind === answer.kind,
    instances,
    category,
    severity: gap === undefined ? undefined : gap === 0,
    severityNear: gap === undefined ? undefined : gap <= 1,
    outcome: answer.outcome ? plan.outcome === answer.outcome : undefined,
    confidentWrong: states(plan) && (!onInstanceRow || wrongInstanceStated),
    abstained,
  };
}

function rate(judged: Judged[], test: (j: Judged) => boolean | undefined): Rate {
  const values = judged.map(test).filter((v) => v !== undefined);
  return { hits: values.filter(Boolean).length, of: values.length };
}

const treatedAsInstance = (j: Judged) => j.plan.kind === "instance" && !j.abstained;

export function figuresOf(judged: Judged[]): Figures {
  const confusion = {} as Figures["confusion"];
  for (const kind of ["instance", "install", "other"] as const) {
    confusion[kind] = { instance: 0, install: 0, other: 0, abstained: 0 };
  }
  for (const j of judged) confusion[j.row.answer.kind][j.abstained ? "abstained" : j.plan.kind]++;
  const ofKind = (kind: Kind) => judged.filter((j) => j.row.answer.kind === kind);
  return {
    rows: judged.length,
    kind: rate(judged, (j) => j.kind),
    instances: rate(judged, (j) => j.instances),
    category: rate(judged, (j) => j.category),
    severity: rate(judged, (j) => j.severity),
    severityNear: rate(judged, (j) => j.severityNear),
    outcome: rate(judged, (j) => j.outcome),
    installAsInstance: rate(ofKind("install"), treatedAsInstance),
    otherAsInstance: rate(ofKind("other"), treatedAsInstance),
    confidentWrong: rate(judged, (j) => j.confidentWrong),
    abstained: rate(judged, (j) => j.abstained),
    confusion,
  };
}

/**
 * A fixed half of a labelled set, by a hash of each row's source: rules are tuned on "tune" and
 * reported on "held-out", which they were not written against. The same seed gives the same split.
 */
export function halfOf(source: string, seed: string): "tune" | "held-out" {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (const char of `${seed}\n${source}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 2 === 0 ? "tune" : "held-out";
}

export const SPLIT_SEED = "ofn-2026";

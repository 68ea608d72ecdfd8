// Apply a comment's commands to the issue's recorded state. Pure: the handler then decides
// again from the new state and makes GitHub match, exactly as for a new issue.
import type { Policy } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import {
  categoryLabel,
  instanceLabel,
  readLabel,
  severityLabel,
  sizeLabel,
  type LabelMeaning,
} from "../triage/label-names.js";
import type { Commanded, RecordedState, TimeLog } from "../triage/types.js";
import { formatMinutes, USAGE, type Command, type CommandProblem } from "./parse.js";
import { mayRun, type Actor, type CommandScope } from "./who-may.js";

export type CommandStatus = "done" | "refused" | "invalid";

export interface CommandResult {
  /** How the person wrote it (for the reply). */
  what: string;
  status: CommandStatus;
  message?: string;
}

export interface CommandOutcome {
  /** The state to decide from; unchanged when nothing was done. */
  state: RecordedState;
  /** The issue's labels once the labels replaced by a command are gone. */
  labels: string[];
  /** Labels to take off the issue: a person's command replaces a person's label. */
  displace: string[];
  results: CommandResult[];
  help: boolean;
}

export interface CommandContext {
  actor: Actor;
  scope: CommandScope;
  previous: RecordedState | undefined;
  labels: readonly string[];
  registry: Registry;
  policy: Policy;
}

const EMPTY_STATE: RecordedState = { v: 1, applied: [], suppressed: [], overrides: {} };

function describe(command: Command): string {
  switch (command.name) {
    case "severity":
    case "size":
    case "category":
      return `/${command.name} ${command.value}`;
    case "instance":
      return `/instance ${command.codes.join(" ")}`;
    case "reject":
      return "/reject";
    case "spent":
      return `/spent ${formatMinutes(command.minutes)}`;
    default:
      return `/${command.name}`;
  }
}

/** Working copy of what a comment changes. */
interface Draft {
  commanded: Commanded;
  time: TimeLog;
  labels: string[];
  applied: string[];
  suppressed: string[];
  displace: Set<string>;
  scope: CommandScope;
}

/** Set one dimension: the new label replaces the others on that dimension, whoever set them. */
function setDimension(
  draft: Draft,
  dimension: LabelMeaning["dimension"],
  keep: string[],
  policy: Policy,
) {
  for (const label of draft.labels) {
    if (readLabel(label, policy)?.dimension === dimension && !keep.includes(label))
      draft.displace.add(label);
  }
  draft.labels = draft.labels.filter((l) => !draft.displace.has(l));
  // Displaced labels are not "removed by a person": they must not become suppressed.
  draft.applied = draft.applied.filter((l) => !draft.displace.has(l));
  draft.suppressed = draft.suppressed.filter((l) => !keep.includes(l));
}

type Step = { ok: true } | { ok: false; message: string };
const ok: Step = { ok: true };

function run(command: Command, draft: Draft, ctx: CommandContext): Step {
  const { policy, registry } = ctx;
  const l = policy.labels;
  const o = draft.commanded.overrides;
  switch (command.name) {
    case "severity":
      o.severity = command.value;
      setDimension(draft, "severity", [severityLabel(l, command.value)], policy);
      return ok;
    case "size":
      o.size = command.value;
      setDimension(draft, "size", [sizeLabel(l, command.value)], policy);
      return ok;
    case "category":
      o.category = command.value;
      setDimension(draft, "category", [categoryLabel(l, command.value)], policy);
      return ok;
    case "instance": {
      const unknown = command.codes.filter((c) => !registry.instances[c]);
      if (unknown.length) {
        const known = Object.keys(registry.instances).join(", ");
        return {
          ok: false,
          message: `the registry has no instance ${unknown.map((c) => `\`${c}\``).join(", ")}; known codes: ${known}`,
        };
      }
      o.instances = [...command.codes].sort();
      setDimension(
        draft,
        "instance",
        o.instances.map((c) => instanceLabel(l, c)),
        policy,
      );
      draft.scope = { ...draft.scope, instances: o.instances };
      return ok;
    }
    case "accept":
      draft.commanded.decision = { outcome: "accepted", by: ctx.actor.login };
      delete draft.commanded.jobBoard;
      draft.scope = { ...draft.scope, outcome: "accepted" };
      return ok;
    case "reject":
      draft.commanded.decision = {
        outcome: "rejected",
        by: ctx.actor.login,
        reason: command.reason,
      };
      draft.scope = { ...draft.scope, outcome: "rejected" };
      return ok;
    case "job-board":
      if (draft.scope.outcome !== "rejected") {
        return {
          ok: false,
          message: "only a request its tier does not cover can go on the jobs board",
        };
      }
      draft.commanded.jobBoard = { by: ctx.actor.login };
      return ok;
    case "spent": {
      const max = policy.commands.max_spent_hours * 60;
      if (command.minutes > max) {
        return {
          ok: false,
          message: `one \`/spent\` can log at most ${formatMinutes(max)}; log longer work in parts, one per day worked`,
        };
      }
      const bucket =
        draft.commanded.jobBoard && draft.scope.outcome === "rejected" ? "jobs" : "pipe";
      draft.time[bucket] += command.minutes;
      return ok;
    }
    case "retriage":
    case "help":
      return ok;
  }
}

/** Run each command in order, if its author may; report each one. */
export function applyCommands(
  commands: readonly Command[],
  problems: readonly CommandProblem[],
  ctx: CommandContext,
): CommandOutcome {
  const previous = ctx.previous ?? EMPTY_STATE;
  const draft: Draft = {
    commanded: structuredClone(previous.commanded ?? { overrides: {} }),
    time: { ...(previous.time ?? { pipe: 0, jobs: 0 }) },
    labels: [...ctx.labels],
    applied: [...previous.applied],
    suppressed: [...previous.suppressed],
    displace: new Set(),
    scope: ctx.scope,
  };
  const results: CommandResult[] = problems.map((p) => ({
    what: p.line,
    status: "invalid",
    message: p.message,
  }));
  let changed = false;
  for (const command of commands) {
    const what = describe(command);
    const verdict = mayRun(command, ctx.actor, draft.scope, ctx.registry);
    if (!verdict.allowed) {
      results.push({
        what,
        status: "refused",
        message: `only ${verdict.who} can use ${USAGE[command.name]}`,
      });
      continue;
    }
    const step = run(command, draft, ctx);
    if (!step.ok) {
      results.push({ what, status: "invalid", message: step.message });
      continue;
    }
    results.push({ what, status: "done" });
    if (command.name !== "help") changed = true;
  }
  const state: RecordedState = changed
    ? {
        ...previous,
        applied: draft.applied,
        suppressed: draft.suppressed,
        commanded: draft.commanded,
        time: draft.time,
      }
    : previous;
  return {
    state,
    labels: changed ? draft.labels : [...ctx.labels],
    displace: changed ? [...draft.displace] : [],
    results,
    help: commands.some((c) => c.name === "help"),
  };
}

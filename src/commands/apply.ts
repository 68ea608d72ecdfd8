// Apply a comment's commands to the issue's recorded state. Pure: the handler then decides
// again from the new state and makes GitHub match, exactly as for a new issue.
import type { RecordedState } from "../triage/types.js";
import type { CommandContext, Draft, Step } from "./draft.js";
import type { CommandProblem } from "./parse.js";
import { DECLARED, specOf, type Command, type CommandSpec } from "./table.js";
import { mayRun } from "./who-may.js";

export type { CommandContext };

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

const EMPTY_STATE: RecordedState = { v: 1, applied: [], suppressed: [], overrides: {} };

/** How a reply names a command. */
const describe = (command: Command) => specOf(command).describe?.(command) ?? `/${command.name}`;

/** A tier application or review is the circle's to decide: triage commands do not apply. */
const validOnTierIssues = (spec: CommandSpec) => spec.tierIssues ?? spec.also === "anyone";

const TIER_ISSUE: Step = {
  ok: false,
  message: `this is a tier application or review: only ${DECLARED.filter(validOnTierIssues)
    .map((c) => `\`/${c.name}\``)
    .join(", ")} apply here`,
};

/** Run each command in order, if its author may; report each one. */
export function applyCommands(
  commands: readonly Command[],
  problems: readonly CommandProblem[],
  ctx: CommandContext,
): CommandOutcome {
  const previous = ctx.previous ?? EMPTY_STATE;
  const draft: Draft = {
    commanded: structuredClone(previous.commanded ?? { overrides: {} }),
    logged: {
      ...(previous.time ? { time: previous.time } : {}),
      entries: [...(previous.entries ?? [])],
    },
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
        // Who may already says "only …" for a command reserved to some people.
        message: `${/^only /.test(verdict.who) ? "" : "only "}${verdict.who} can use ${specOf(command).usage}`,
      });
      continue;
    }
    const step =
      draft.scope.tier && !validOnTierIssues(specOf(command))
        ? TIER_ISSUE
        : specOf(command).apply(command, draft, ctx);
    if (!step.ok) {
      results.push({ what, status: "invalid", message: step.message });
      continue;
    }
    results.push({ what, status: "done" });
    if (specOf(command).also !== "anyone") changed = true;
  }
  const state: RecordedState = changed
    ? {
        ...previous,
        applied: draft.applied,
        suppressed: draft.suppressed,
        commanded: draft.commanded,
        ...(draft.logged.entries.length ? { entries: draft.logged.entries } : {}),
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

// Who may run which command, decided from data (repository permission, team, registry). Pure.
import type { Registry } from "../registry/schema.js";
import type { Command, CommandName } from "./parse.js";

/** What is known about the person who wrote the command. */
export interface Actor {
  login: string;
  /** Write, maintain or admin on the repository, or member of the configured team. */
  maintainer: boolean;
}

/** The issue as it stands when the command is read. */
export interface CommandScope {
  author?: string;
  instances: string[];
  outcome: string;
}

export type Verdict = { allowed: true; as: Role } | { allowed: false; who: string };

export type Role = "maintainer" | "manager" | "author" | "anyone";

const MANAGER_COMMANDS: readonly CommandName[] = [
  "instance",
  "category",
  "size",
  "severity",
  "job-board",
];
const AUTHOR_COMMANDS: readonly CommandName[] = ["instance", "category"];

const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/** The instance codes this login speaks for, according to the registry. */
export function managedBy(login: string, registry: Registry): string[] {
  return Object.entries(registry.instances)
    .filter(([, i]) => (i.managers ?? []).some((m) => same(m, login)))
    .map(([code]) => code);
}

/** The instances a command touches: the ones it names, or else the issue's own. */
function touched(command: Command, scope: CommandScope): string[] {
  return command.name === "instance" ? command.codes : scope.instances;
}

function whoMay(name: CommandName): string {
  if (name === "help") return "anyone";
  const who = ["maintainers (write access to this repository)"];
  if (MANAGER_COMMANDS.includes(name)) who.push("the managers of the instance it is about");
  if (AUTHOR_COMMANDS.includes(name)) who.push("the issue's author while the bot is asking");
  return who.length > 1 ? `${who.slice(0, -1).join(", ")} or ${who.at(-1)}` : who[0]!;
}

export function mayRun(
  command: Command,
  actor: Actor,
  scope: CommandScope,
  registry: Registry,
): Verdict {
  if (command.name === "help") return { allowed: true, as: "anyone" };
  if (actor.maintainer) return { allowed: true, as: "maintainer" };
  if (MANAGER_COMMANDS.includes(command.name)) {
    const mine = managedBy(actor.login, registry);
    const codes = touched(command, scope);
    if (codes.length && codes.every((c) => mine.includes(c)))
      return { allowed: true, as: "manager" };
  }
  if (
    AUTHOR_COMMANDS.includes(command.name) &&
    (scope.outcome === "needs-info" || scope.outcome === "undecided") &&
    same(scope.author, actor.login)
  ) {
    return { allowed: true, as: "author" };
  }
  return { allowed: false, who: whoMay(command.name) };
}

/** Whether the app must ask GitHub about the actor at all: /help alone needs no look-up. */
export function needsPermissionLookup(commands: readonly Command[]): boolean {
  return commands.some((c) => c.name !== "help");
}

export { whoMay };

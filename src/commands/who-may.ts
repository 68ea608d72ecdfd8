// Who may run which command, decided from data (repository permission, team, registry) and
// each command's declaration (table.ts). Pure.
import type { Registry } from "../registry/schema.js";
import type { Actor, CommandScope } from "./draft.js";
import { commandSpec, specOf, type Command, type CommandName } from "./table.js";

export type { Actor, CommandScope };

export type Verdict = { allowed: true; as: Role } | { allowed: false; who: string };

export type Role = "maintainer" | "manager" | "author" | "anyone";

const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/** The instance codes this login speaks for, according to the registry. */
export function managedBy(login: string, registry: Registry): string[] {
  return Object.entries(registry.instances)
    .filter(([, i]) => (i.managers ?? []).some((m) => same(m, login)))
    .map(([code]) => code);
}

const allows = (name: string, role: "manager" | "author") => {
  const also = commandSpec(name)?.also ?? [];
  return also !== "anyone" && also.includes(role);
};

/** Who may use a command, in words for replies and `/help`. */
export function whoMay(name: CommandName): string {
  if (commandSpec(name)?.also === "anyone") return "anyone";
  const who = ["maintainers (write access to this repository)"];
  if (allows(name, "manager")) who.push("the managers of the instance it is about");
  if (allows(name, "author")) who.push("the issue's author while the bot is asking");
  return who.length > 1 ? `${who.slice(0, -1).join(", ")} or ${who.at(-1)}` : who[0]!;
}

/** While the bot asks (or leaves the issue to a person), the author may answer. */
const asking = (scope: CommandScope) =>
  scope.outcome === "needs-info" || scope.outcome === "undecided";

export function mayRun(
  command: Command,
  actor: Actor,
  scope: CommandScope,
  registry: Registry,
): Verdict {
  const spec = specOf(command);
  if (spec.also === "anyone") return { allowed: true, as: "anyone" };
  if (actor.maintainer) return { allowed: true, as: "maintainer" };
  if (allows(command.name, "manager")) {
    const mine = managedBy(actor.login, registry);
    // The instances it names, or else the issue's own.
    const codes = spec.touches?.(command) ?? scope.instances;
    if (codes.length && codes.every((c) => mine.includes(c)))
      return { allowed: true, as: "manager" };
  }
  if (allows(command.name, "author") && asking(scope) && same(scope.author, actor.login)) {
    return { allowed: true, as: "author" };
  }
  return { allowed: false, who: whoMay(command.name) };
}

/** Whether the app must ask GitHub about the actor at all: commands anyone may use need none. */
export function needsPermissionLookup(commands: readonly Command[]): boolean {
  return commands.some((c) => specOf(c).also !== "anyone");
}

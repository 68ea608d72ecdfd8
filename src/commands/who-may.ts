// Who may run which command, decided from data (repository permission, team, registry) and
// each command's declaration (table.ts). Pure.
import type { Registry } from "../registry/schema.js";
import type { Actor, CommandScope } from "./draft.js";
import { commandSpec, specOf, type Command, type CommandName } from "./table.js";

export type { Actor, CommandScope };

export type Verdict = { allowed: true; as: Role } | { allowed: false; who: string };

export type Role =
  "maintainer" | "manager" | "author" | "developer" | "taker" | "circle" | "anyone";

const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/** The instance codes this login speaks for, according to the registry. */
export function managedBy(login: string, registry: Registry): string[] {
  return Object.entries(registry.instances)
    .filter(([, i]) => (i.managers ?? []).some((m) => same(m, login)))
    .map(([code]) => code);
}

const allows = (name: string, role: "manager" | "author" | "developer" | "taker") => {
  const also = commandSpec(name)?.also ?? [];
  return also !== "anyone" && also.includes(role);
};

const ROLE_WORDS = {
  circle: "members of the instance-managers circle's team",
  manager: "the managers of the instance it is about",
  developer: "members of the jobs-board developers' team",
  taker: "the developer who took the job",
  author: "the issue's author while the bot is asking",
} as const;

const either = (who: string[]) =>
  who.length > 1 ? `${who.slice(0, -1).join(", ")} or ${who.at(-1)}` : who[0]!;

/** Who may use a command, in words for replies and `/help`. */
export function whoMay(name: CommandName): string {
  const spec = commandSpec(name);
  if (spec?.only) return `only ${either(spec.only.map((role) => ROLE_WORDS[role]))}`;
  if (spec?.also === "anyone") return "anyone";
  const who = ["maintainers (write access to this repository)"];
  for (const role of ["manager", "developer", "taker", "author"] as const)
    if (allows(name, role)) who.push(ROLE_WORDS[role]);
  return either(who);
}

/** Whether the actor manages every instance the command is about. */
function manages(command: Command, actor: Actor, scope: CommandScope, registry: Registry) {
  const mine = managedBy(actor.login, registry);
  // The instances it names, or else the issue's own.
  const codes = specOf(command).touches?.(command) ?? scope.instances;
  return codes.length > 0 && codes.every((c) => mine.includes(c));
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
  if (spec.only) {
    if (spec.only.includes("circle") && actor.circle) return { allowed: true, as: "circle" };
    if (spec.only.includes("manager") && manages(command, actor, scope, registry))
      return { allowed: true, as: "manager" };
    return { allowed: false, who: whoMay(command.name) };
  }
  if (spec.also === "anyone") return { allowed: true, as: "anyone" };
  if (actor.maintainer) return { allowed: true, as: "maintainer" };
  if (allows(command.name, "manager") && manages(command, actor, scope, registry))
    return { allowed: true, as: "manager" };
  if (allows(command.name, "developer") && actor.developer)
    return { allowed: true, as: "developer" };
  // The job's developer keeps their job's rights even after leaving the team.
  if (allows(command.name, "taker") && same(scope.taker, actor.login))
    return { allowed: true, as: "taker" };
  if (allows(command.name, "author") && asking(scope) && same(scope.author, actor.login)) {
    return { allowed: true, as: "author" };
  }
  return { allowed: false, who: whoMay(command.name) };
}

/** Whether the app must ask GitHub about the actor at all: commands anyone may use need none. */
export function needsPermissionLookup(commands: readonly Command[]): boolean {
  return commands.some((c) => specOf(c).also !== "anyone" || specOf(c).only);
}

/** Which teams the commands' rights depend on, so only those memberships are asked for. */
export function teamsToAsk(commands: readonly Command[]): { circle: boolean; developer: boolean } {
  return {
    circle: commands.some((c) => specOf(c).only?.includes("circle")),
    developer: commands.some((c) => {
      const also = specOf(c).also;
      return also !== "anyone" && also.includes("developer");
    }),
  };
}

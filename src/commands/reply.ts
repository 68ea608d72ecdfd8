// What the app answers to a comment with commands: a reaction always, a short reply only when
// something was refused or not understood, or /help was asked. Pure.
import { codeSpan, mention, pipesEscaped } from "../markup/inert.js";
import type { CommandResult } from "./apply.js";
import { DECLARED, type CommandName } from "./table.js";
import { whoMay } from "./who-may.js";

export type Reaction = "+1" | "confused";

/** 👍 when something was done, 😕 when something was refused or not understood (or both). */
export function reactionsFor(results: readonly CommandResult[]): Reaction[] {
  const reactions: Reaction[] = [];
  if (results.some((r) => r.status === "done")) reactions.push("+1");
  if (results.some((r) => r.status !== "done")) reactions.push("confused");
  return reactions;
}

export function helpText(): string {
  const rows = DECLARED.map(
    (c) =>
      `| ${pipesEscaped(c.usage)} | ${pipesEscaped(c.does)} | ${whoMay(c.name as CommandName)} |`,
  );
  return [
    "**Commands** (one per line in a comment; not inside code blocks or quotes):",
    "",
    "| command | what it does | who may use it |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

export function renderReply(
  results: readonly CommandResult[],
  help: boolean,
  author: string,
): string | undefined {
  const wrong = results.filter((r) => r.status !== "done");
  if (!wrong.length && !help) return undefined;
  const parts: string[] = [];
  if (wrong.length) {
    const lines = wrong.map(
      (r) =>
        `- ${codeSpan(r.what, 80)}: ${r.status === "refused" ? "not done, " : ""}${r.message ?? "not understood"}.`,
    );
    const done = results.filter((r) => r.status === "done").length;
    const these = wrong.length === 1 ? "this command was" : "these commands were";
    parts.push(
      done
        ? `${mention(author)}, the other commands were done, but ${these} not applied:`
        : `${mention(author)}, ${these} not applied, so nothing changed:`,
      ...lines,
    );
    if (!help) parts.push("", "Write `/help` for the list of commands.");
  }
  if (help) parts.push(...(parts.length ? [""] : []), helpText());
  return parts.join("\n") + "\n";
}

// What the app answers to a comment with commands: a reaction always, a short reply only when
// something was refused or not understood, or /help was asked. Pure.
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
  // A `|` inside a table cell must be escaped, even in code, or GitHub splits the cell.
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = DECLARED.map(
    (c) => `| ${cell(c.usage)} | ${cell(c.does)} | ${whoMay(c.name as CommandName)} |`,
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
        `- \`${r.what.replace(/`/g, "'")}\`: ${r.status === "refused" ? "not done, " : ""}${r.message ?? "not understood"}.`,
    );
    const done = results.filter((r) => r.status === "done").length;
    const these = wrong.length === 1 ? "this command was" : "these commands were";
    parts.push(
      done
        ? `@${author}, the other commands were done, but ${these} not applied:`
        : `@${author}, ${these} not applied, so nothing changed:`,
      ...lines,
    );
    if (!help) parts.push("", "Write `/help` for the list of commands.");
  }
  if (help) parts.push(...(parts.length ? [""] : []), helpText());
  return parts.join("\n") + "\n";
}

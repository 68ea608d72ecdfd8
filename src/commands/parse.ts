// Slash commands in an issue comment: one per line, outside code blocks and quotes. Pure.
import { codeSpan } from "../markup/inert.js";
import { commandSpec, DECLARED, type Command, type CommandName } from "./table.js";
import { formatMinutes, parseDuration } from "../triage/time.js";

export { formatMinutes, parseDuration };
export type { Command, CommandName };

/** A command line that could not be understood, with what would have been valid. */
export interface CommandProblem {
  line: string;
  message: string;
}

export interface ParsedComment {
  commands: Command[];
  problems: CommandProblem[];
}

/** Bots (this app included) never command the app: no loops, no automation surprises. */
export function writtenByBot(user: { login?: string; type?: string } | null | undefined): boolean {
  return user?.type === "Bot" || (user?.login ?? "").endsWith("[bot]");
}

/** Long comments are cut: nobody types a command after the first 200 lines. */
const MAX_LINES = 200;
const MAX_COMMANDS = 20;

/** The lines a person typed as prose: fenced code, indented code and quotes removed. */
export function commandLines(body: string): string[] {
  const lines = body
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .slice(0, MAX_LINES * 5);
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (/^ {0,3}>/.test(line) || /^( {4}|\t)/.test(line)) continue;
    kept.push(line.trim());
  }
  return kept.slice(0, MAX_LINES);
}

/** Every command in a comment, in order; lines that look like commands but aren't valid ones. */
export function parseCommands(body: string): ParsedComment {
  const commands: Command[] = [];
  const problems: CommandProblem[] = [];
  for (const line of commandLines(body)) {
    // "/etc/nginx" or "/path" mid-sentence is not a command: a word right after the slash,
    // then a space or the end of the line.
    const m = /^\/([a-z][\w-]*)(?:\s+(.*))?$/i.exec(line);
    if (!m) continue;
    if (commands.length + problems.length >= MAX_COMMANDS) break;
    const spec = commandSpec(m[1]!.toLowerCase().replace(/_/g, "-"));
    const shown = line.slice(0, 80);
    if (!spec) {
      const known = DECLARED.map((c) => `\`/${c.name}\``).join(", ");
      problems.push({
        line: shown,
        message: `${codeSpan(`/${m[1]}`)} is not a command I know (${known})`,
      });
      continue;
    }
    const parsed = spec.parse(m[2] ?? "");
    if (typeof parsed === "string") problems.push({ line: shown, message: parsed });
    else commands.push(parsed as Command);
  }
  return { commands, problems };
}

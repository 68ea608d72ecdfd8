// Slash commands in an issue comment: one per line, outside code blocks and quotes. Pure.
import {
  CATEGORIES,
  SEVERITIES,
  SIZES,
  type Category,
  type Severity,
  type Size,
} from "../triage/vocabulary.js";
import { formatMinutes, parseDuration } from "../triage/time.js";

export { formatMinutes, parseDuration };

export type Command =
  | { name: "severity"; value: Severity }
  | { name: "size"; value: Size }
  | { name: "instance"; codes: string[] }
  | { name: "category"; value: Category }
  | { name: "accept" }
  | { name: "reject"; reason: string }
  | { name: "job-board" }
  | { name: "spent"; minutes: number }
  | { name: "retriage" }
  | { name: "help" };

export type CommandName = Command["name"];

export const COMMAND_NAMES: readonly CommandName[] = [
  "severity",
  "size",
  "instance",
  "category",
  "accept",
  "reject",
  "job-board",
  "spent",
  "retriage",
  "help",
];

/** A command line that could not be understood, with what would have been valid. */
export interface CommandProblem {
  line: string;
  message: string;
}

export interface ParsedComment {
  commands: Command[];
  problems: CommandProblem[];
}

/** How each command is written, for replies and /help. */
export const USAGE: Record<CommandName, string> = {
  severity: "`/severity S0|S1|S2|S3`",
  size: "`/size XS|S|M|L`",
  instance: "`/instance <code> [<code>...]`",
  category: "`/category <name>`",
  accept: "`/accept`",
  reject: "`/reject <reason>`",
  "job-board": "`/job-board`",
  spent: "`/spent <duration>` (such as `45m`, `1h30m` or `2h`)",
  retriage: "`/retriage`",
  help: "`/help`",
};

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

type Parse = Command | string; // a command, or what is wrong with the arguments

function one<T extends string>(
  args: string[],
  values: readonly T[],
  make: (v: T) => Command,
  what: string,
): Parse {
  const wanted = args[0]?.toLowerCase();
  const value = values.find((v) => v.toLowerCase() === wanted);
  if (args.length !== 1 || !value) return `${what} must be one of ${values.join(", ")}`;
  return make(value);
}

function parseSpent(rest: string): Parse {
  if (/^-/.test(rest.trim()))
    return "time can only be added: give a positive duration such as `45m`, `1h30m` or `2h`";
  const minutes = parseDuration(rest);
  if (minutes === undefined)
    return `\`${rest.trim().slice(0, 40) || "(nothing)"}\` is not a duration: write it like \`45m\`, \`1h30m\` or \`2h\``;
  if (minutes <= 0) return "a duration must be more than zero";
  return { name: "spent", minutes };
}

function parseArgs(name: CommandName, rest: string): Parse {
  const args = rest.split(/[\s,]+/).filter(Boolean);
  const none = (command: Command): Parse =>
    args.length ? `${USAGE[name]} takes no arguments` : command;
  switch (name) {
    case "severity":
      return one(args, SEVERITIES, (value) => ({ name, value }), "the severity");
    case "size":
      return one(args, SIZES, (value) => ({ name, value }), "the size");
    case "category":
      return one(args, CATEGORIES, (value) => ({ name, value }), "the category");
    case "instance":
      return args.length
        ? { name, codes: [...new Set(args.map((a) => a.toLowerCase()))] }
        : "name at least one instance code";
    case "reject":
      return rest.trim() ? { name, reason: rest.trim().slice(0, 500) } : "say why, after `/reject`";
    case "spent":
      return parseSpent(rest);
    case "accept":
    case "job-board":
    case "retriage":
    case "help":
      return none({ name });
  }
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
    const name = m[1]!.toLowerCase().replace(/_/g, "-") as CommandName;
    const shown = line.slice(0, 80);
    if (!COMMAND_NAMES.includes(name)) {
      const known = COMMAND_NAMES.map((n) => `\`/${n}\``).join(", ");
      problems.push({ line: shown, message: `\`/${m[1]}\` is not a command I know (${known})` });
      continue;
    }
    const parsed = parseArgs(name, m[2] ?? "");
    if (typeof parsed === "string") problems.push({ line: shown, message: parsed });
    else commands.push(parsed);
  }
  return { commands, problems };
}

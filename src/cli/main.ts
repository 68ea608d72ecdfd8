#!/usr/bin/env node
// sysadmin-pipe command line: offline tools that share the app's decide(), and the commands a
// schedule runs with a token. The commands are declared in commands.ts; this finds and runs one.
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  BIN,
  columns,
  CommandError,
  commandHelp,
  describeError,
  loadConfig,
  parseCommand,
  UsageError,
  type Command,
  type CommandIo,
} from "./command.js";
import { COMMANDS } from "./commands.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  env?: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => readFileSync(0, "utf8"),
};

/** The package's own package.json, from src/ or dist/ alike. */
const PACKAGE_JSON = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "package.json",
);

const version = () =>
  (JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string }).version;

const HELP = ["--help", "-h"];

export function overallUsage(): string {
  const rows = COMMANDS.map((c): [string, string] => [c.name, c.summary]);
  return `Usage: ${BIN} <command> [options]

Commands:
${columns(rows)}

Run \`${BIN} <command> --help\` (or \`${BIN} help <command>\`) for a command's options,
\`${BIN} --version\` for the version. REGISTRY_FILE and POLICY_FILE, when set, replace
config/instances.yml and config/policy.yml, as in the app.
`;
}

function groupHelp(group: string, commands: Command[]): string {
  const rows = commands.map((c): [string, string] => [c.name, c.summary]);
  return `Usage: ${BIN} ${group} <subcommand> [options]\n\nSubcommands:\n${columns(rows)}\n\nRun \`${BIN} ${group} <subcommand> --help\` for its options.\n`;
}

type Found =
  { command: Command; args: string[] } | { group: string; commands: Command[]; args: string[] };

/** The command the first words name ("triage", "board setup"), or the group ("board"). */
function find(words: string[]): Found {
  const [first = "", second = ""] = words;
  const command =
    COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first);
  if (command) return { command, args: words.slice(command.name.split(" ").length) };
  const commands = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (commands.length) return { group: first, commands, args: words.slice(1) };
  throw new UsageError(`unknown command \`${first}\``);
}

function subcommandMissing(found: { group: string; commands: Command[]; args: string[] }) {
  const names = found.commands.map((c) => c.name.slice(found.group.length + 1)).join(" or ");
  const next = found.args[0];
  return next && !next.startsWith("-")
    ? new UsageError(`unknown subcommand \`${next}\`: use ${names}`, found.group)
    : new UsageError(`a subcommand must come first: ${names}`, found.group);
}

function helpFor(words: string[]): string {
  if (!words.length) return overallUsage();
  const found = find(words);
  if ("command" in found) return commandHelp(found.command);
  if (found.args.length) throw subcommandMissing(found);
  return groupHelp(found.group, found.commands);
}

async function dispatch(argv: string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  const print = (text: string) => (io.stdout(text), 0);
  if (first === undefined || HELP.includes(first)) return print(overallUsage());
  if (first === "--version" || first === "-v") return print(`${version()}\n`);
  if (first === "help") return print(helpFor(rest));
  if (first.startsWith("-")) throw new UsageError(`unknown option \`${first}\``);
  const found = find(argv);
  if ("command" in found) return runCommand(found.command, found.args, io);
  if (HELP.includes(found.args[0] ?? "")) return print(groupHelp(found.group, found.commands));
  throw subcommandMissing(found);
}

async function runCommand(command: Command, args: string[], io: CommandIo): Promise<number> {
  const json = "json" in command.options && args.includes("--json");
  try {
    const parsed = parseCommand(command, args);
    if (parsed.help) {
      io.stdout(commandHelp(command));
      return 0;
    }
    const { values, positionals } = parsed;
    return await command.run({ values, positionals, io, config: () => loadConfig(values, io.env) });
  } catch (error) {
    return fail(error, command.name, json, io);
  }
}

const jsonLine = (value: object) => `${JSON.stringify(value)}\n`;

const named = (where: string) => (where ? `${BIN} ${where}` : BIN);

/** Usage errors exit 2 with a hint, refusals 2 as explained, anything else 1 in one line. */
function fail(error: unknown, where: string, json: boolean, io: CommandIo): number {
  if (error instanceof UsageError) {
    const name = named(error.where ?? where);
    const hint = `Run \`${name} --help\` for usage.`;
    const text = `${name}: ${error.message}\n${hint}\n`;
    io.stderr(json ? jsonLine({ ok: false, error: error.message, hint }) : text);
    return 2;
  }
  if (error instanceof CommandError) {
    const { message, problems } = error;
    io.stderr(json ? jsonLine({ ok: false, error: message, problems }) : `${message}\n`);
    return 2;
  }
  const message = describeError(error);
  io.stderr(json ? jsonLine({ ok: false, error: message }) : `${named(where)}: ${message}\n`);
  return 1;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const withEnv: CommandIo = { ...io, env: io.env ?? process.env };
  try {
    return await dispatch(argv, withEnv);
  } catch (error) {
    return fail(error, "", false, withEnv);
  }
}

/** True when this file is the program being run (the bin, through npm's symlink), not an import. */
function isEntryPoint(): boolean {
  try {
    return (
      !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

// What a command is: its declaration (name, synopsis, summary, options, handler), and what is
// derived from it: parsing with node's parseArgs, its --help, and the errors a command raises.
import { readFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import { parseArgs } from "node:util";
import { DEFAULT_POLICY, DEFAULT_REGISTRY, loadConfigFiles } from "../config.js";
import { type TriageConfig } from "../registry/triage-config.js";
import { formatProblems, type ConfigProblem } from "../registry/yaml-load.js";
import { readDeployment, withDeployment } from "../settings.js";

export const BIN = "sysadmin-pipe";

export interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  /** The value's name in the help, e.g. FILE. */
  value?: string;
  /** One line: what the option does. */
  help: string;
}
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed values of a command's options, typed from its declaration. */
export type Values<O extends OptionSpecs> = {
  [K in keyof O]?: O[K] extends { type: "boolean" }
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : string;
};

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  env: NodeJS.ProcessEnv;
}

export interface Context<V> {
  values: V;
  positionals: string[];
  io: CommandIo;
  /** The registry and policy the options and environment name; throws when they are invalid. */
  config: () => TriageConfig;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The words that call it: "triage", or "board setup". */
  name: string;
  /** Everything after the name, as the help shows it. */
  synopsis: string;
  /** One line, for the list of commands. */
  summary: string;
  /** More, for its own --help. */
  details?: string;
  /** Its positional arguments, counted from this: "OLD NEW", "[FILE|-]", "FILE...". */
  args?: string;
  options: O;
  run: (context: Context<Values<O>>) => number | Promise<number>;
}

/** Type-checks a declaration against its handler, then forgets the option types for the table. */
export const defineCommand = <const O extends OptionSpecs>(command: Command<O>): Command =>
  command as unknown as Command;

/** A mistake on the command line: exit 2, one line and a pointer to the command's help. */
export class UsageError extends Error {
  /** `where`: the words whose --help the hint names, when not the command being run. */
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

/** A refusal the message explains in full (exit 2), e.g. an invalid registry. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly problems?: ConfigProblem[],
  ) {
    super(message);
  }
}

/** --registry and --policy: every command that triages declares them. */
export const CONFIG_OPTIONS = {
  registry: {
    type: "string",
    value: "FILE",
    help: "the registry to use (default: $REGISTRY_FILE, else config/instances.yml)",
  },
  policy: {
    type: "string",
    value: "FILE",
    help: "the policy to use (default: $POLICY_FILE, else config/policy.yml)",
  },
} as const satisfies OptionSpecs;

const HELP_OPTION = {
  help: { type: "boolean", short: "h", help: "show this help" },
} as const satisfies OptionSpecs;

/** The files to load: the flags, else REGISTRY_FILE / POLICY_FILE as the app reads them. */
export function configPaths(
  values: { registry?: unknown; policy?: unknown },
  env: NodeJS.ProcessEnv,
): { registry: string; policy: string } {
  const flag = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    registry: flag(values.registry) ?? (env.REGISTRY_FILE || DEFAULT_REGISTRY),
    policy: flag(values.policy) ?? (env.POLICY_FILE || DEFAULT_POLICY),
  };
}

export function loadConfig(
  values: { registry?: unknown; policy?: unknown },
  env: NodeJS.ProcessEnv,
): TriageConfig {
  const files = configPaths(values, env);
  const deployment = readDeployment(env);
  if (!deployment.ok) throw new CommandError(deployment.problems.join("\n"));
  const result = loadConfigFiles(files.registry, files.policy);
  if (result.ok) {
    const policy = withDeployment(result.config.policy, deployment.settings);
    return { ...result.config, policy };
  }
  const text = `The configuration has problems:\n${formatProblems(result.problems)}`;
  throw new CommandError(text, result.problems);
}

export type Parsed =
  { help: true } | { help: false; values: Values<OptionSpecs>; positionals: string[] };

/** Parse leniently, then refuse with our own one-line messages (node's quote the option oddly). */
export function parseCommand(command: Command, args: string[]): Parsed {
  const options: OptionSpecs = { ...command.options, ...HELP_OPTION };
  const { values, positionals, tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (values.help === true) return { help: true };
  for (const token of tokens) {
    if (token.kind === "option") checkOption(token, options[token.name]);
  }
  checkArity(command.args ?? "", positionals);
  // Every token was checked against its declared type above.
  return { help: false, values: values as Values<OptionSpecs>, positionals };
}

function checkOption(
  token: { rawName: string; value?: string; inlineValue?: boolean },
  spec: OptionSpec | undefined,
): void {
  const name = `\`${token.rawName}\``;
  if (!spec) throw new UsageError(`unknown option ${name}`);
  if (spec.type === "boolean" && token.value !== undefined)
    throw new UsageError(`option ${name} takes no value`);
  const missing = token.value === undefined || (!token.inlineValue && token.value.startsWith("-"));
  if (spec.type === "string" && missing)
    throw new UsageError(`option ${name} needs a value (${spec.value ?? "VALUE"})`);
}

function checkArity(args: string, positionals: string[]): void {
  const words = args.split(" ").filter(Boolean);
  const min = words.filter((w) => !w.startsWith("[")).length;
  const max = words.some((w) => w.includes("...")) ? Infinity : words.length;
  if (positionals.length < min) throw new UsageError(`missing arguments: expected ${args}`);
  if (positionals.length > max) throw new UsageError(`unexpected argument \`${positionals[max]}\``);
}

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : "";
  return `${short}--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
}

/** Two aligned columns, indented. */
export function columns(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n");
}

export function commandHelp(command: Command): string {
  const options = { ...command.options, ...HELP_OPTION };
  const rows = Object.entries(options).map(([name, spec]): [string, string] => [
    optionLabel(name, spec),
    spec.help,
  ]);
  const about = [command.summary, command.details].filter(Boolean).join("\n");
  return `Usage: ${BIN} ${command.name} ${command.synopsis}\n\n${about}\n\nOptions:\n${columns(rows)}\n`;
}

/** Why a file could not be read, in words. */
export function readFailure(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code === "ENOENT" ? "the file does not exist" : e.message;
}

/** A file's text; an unreadable file is a run-time error that names it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${file}: ${readFailure(error)}`);
  }
}

/** What went wrong at run time, in one plain line: which request failed and why. */
export function describeError(error: unknown): string {
  const e = error as {
    status?: number;
    message?: string;
    request?: { method?: string; url?: string };
    response?: unknown;
  };
  const message = messageOf(error);
  const cause = deepestCause(error);
  if (!e?.request?.method || !e.request.url) return cause ? `${message} (${cause})` : message;
  const what = `${e.request.method} ${pathOf(e.request.url)} failed`;
  // No response: the network failed, and the innermost cause says how.
  if (!e.response) return `${what}: ${cause || message}`;
  const reason = message.split("\n")[0]!.trim();
  const plain = reason && reason.length < 200 && !reason.startsWith("<");
  return `${what}: ${e.status} ${plain ? reason : (STATUS_CODES[e.status ?? 0] ?? "")}`.trimEnd();
}

// Duck-typed: errors from another realm (fetch's, under Jest) are not `instanceof Error`.
const messageOf = (error: unknown): string =>
  typeof (error as Error)?.message === "string" ? (error as Error).message : String(error);

/** The innermost cause's message, when it differs from the error's own. */
function deepestCause(error: unknown): string {
  let inner = error as { cause?: unknown } | undefined;
  while (inner?.cause && typeof inner.cause === "object")
    inner = inner.cause as { cause?: unknown };
  const deepest = messageOf(inner);
  return inner !== error && deepest !== messageOf(error) ? deepest : "";
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

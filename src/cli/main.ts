#!/usr/bin/env node
// sysadmin-pipe command line: offline tools that share the app's decide().
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_POLICY, DEFAULT_REGISTRY, loadConfigFiles, type TriageConfig } from "../config.js";
import { FORM_PATH, generateIssueForm } from "../form/generate.js";
import { REGISTRY_SCHEMA_PATH, registryJsonSchemaText } from "../registry/json-schema.js";
import { formatProblems } from "../registry/yaml-load.js";
import { boardCommand } from "./board.js";
import { reconcileCommand } from "./reconcile.js";
import { reportCommand } from "./report.js";
import { reviewsCommand } from "./reviews.js";
import { diffCommand, validateCommand } from "./registry.js";
import { triageLines } from "./triage.js";
import { evalFiles, readEvalFiles, SPLIT_SEED } from "./eval.js";

const USAGE = `Usage:
  sysadmin-pipe triage [--registry FILE] [--policy FILE] [--json] [FILE|-]
      Triage issues given as JSON Lines (a GitHub issue object, or {"repo","title","body","labels"}).
  sysadmin-pipe eval [--registry FILE] [--policy FILE] [--json] [--split [--seed S]] FILE...
      How often triage agrees with labelled issues (JSON Lines with an "answer"): per-field
      accuracy, kind confusion, confident wrong answers, abstentions and the misses. --split
      also reports each file's two fixed halves, tune and held-out (seed ${SPLIT_SEED} unless --seed).
  sysadmin-pipe form [--registry FILE] [--policy FILE] [--write [PATH] | --check [PATH]]
      Print the sysadmin request issue form generated from the registry; --write saves it
      (default ${FORM_PATH}); --check exits 1 when the saved form differs.
  sysadmin-pipe board setup|check [--owner ORG] [--number N] [--dry-run]
      Create the sysadmin pipe board's fields and options on a project (token in GITHUB_TOKEN),
      or report how the project differs from the configuration.
  sysadmin-pipe validate [--json] [FILE...]
      Check the registry, policy and issue form as the pull-request check does (by default the
      files in config/ and ${FORM_PATH}); exits 1 when something must be fixed.
  sysadmin-pipe diff [--policy FILE] OLD NEW
      What changes from one registry (file, or folder with instances.yml and policy.yml) to another.
  sysadmin-pipe reconcile [--repo OWNER/NAME ...] [--dry-run] [--json]
      Re-triage open issues whose decision is missing or stale, and put accepted requests on the
      board (token in GITHUB_TOKEN). Safe while the app runs; schedule it, e.g. hourly.
  sysadmin-pipe report --period 2026-Q4|2026-11 | --since DATE --until DATE [--json] [--post]
      The pipe's load in a period, per instance and tier, as Markdown with Mermaid charts
      (token in GITHUB_TOKEN); --post keeps one report issue per period in reports.repo.
  sysadmin-pipe reviews [--dry-run] [--today DATE]
      Open one issue per instance whose tier review is due, in reports.repo; never twice.
  sysadmin-pipe schema [--write [PATH]]
      Print the registry's JSON Schema; --write saves it (default ${REGISTRY_SCHEMA_PATH}).
`;

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

/** --registry and --policy: the files to use instead of the shipped config/. */
const CONFIG_OPTIONS = {
  registry: { type: "string" },
  policy: { type: "string" },
} as const;

function loadConfig(
  values: { registry?: string; policy?: string },
  io: Io,
): TriageConfig | undefined {
  const result = loadConfigFiles(
    values.registry ?? DEFAULT_REGISTRY,
    values.policy ?? DEFAULT_POLICY,
  );
  if (result.ok) return result.config;
  io.stderr(`The configuration has problems:\n${formatProblems(result.problems)}\n`);
  return undefined;
}

function triageCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONFIG_OPTIONS,
      json: { type: "boolean" },
    },
  });
  const config = loadConfig(values, io);
  if (!config) return 2;
  const source = positionals[0] ?? "-";
  let text: string;
  try {
    text = source === "-" ? io.readStdin() : readFileSync(source, "utf8");
  } catch (error) {
    io.stderr(`cannot read ${source}: ${(error as Error).message}\n`);
    return 2;
  }
  const run = triageLines(text, config, values.json ?? false);
  if (run.out.length) io.stdout(run.out.join("\n") + "\n");
  for (const error of run.errors) io.stderr(`${error}\n`);
  return run.errors.length ? 1 : 0;
}

function evalCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONFIG_OPTIONS,
      json: { type: "boolean" },
      split: { type: "boolean" },
      seed: { type: "string" },
    },
  });
  if (!positionals.length) {
    io.stderr("eval needs at least one file of labelled issues\n");
    return 2;
  }
  const config = loadConfig(values, io);
  if (!config) return 2;
  const errors: string[] = [];
  const files = readEvalFiles(positionals, errors);
  const split = values.split || values.seed ? (values.seed ?? SPLIT_SEED) : undefined;
  const run = evalFiles(files, config, { json: values.json ?? false, split });
  if (run.out.length) io.stdout(run.out.join("\n") + "\n");
  for (const error of [...errors, ...run.errors]) io.stderr(`${error}\n`);
  return errors.length || run.errors.length ? 1 : 0;
}

function formCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONFIG_OPTIONS,
      write: { type: "boolean" },
      check: { type: "boolean" },
    },
  });
  const config = loadConfig(values, io);
  if (!config) return 2;
  const form = generateIssueForm(config.registry, config.policy);
  const target = positionals[0] ?? FORM_PATH;
  if (values.check) {
    let saved = "";
    try {
      saved = readFileSync(target, "utf8");
    } catch {
      saved = "";
    }
    if (saved === form) {
      io.stdout(`${target} matches the registry.\n`);
      return 0;
    }
    io.stderr(`${target} does not match the registry: run \`sysadmin-pipe form --write\`.\n`);
    return 1;
  }
  if (values.write) {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, form);
    io.stdout(`wrote ${target}\n`);
    return 0;
  }
  io.stdout(form);
  return 0;
}

function schemaCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { write: { type: "boolean" } },
  });
  const text = registryJsonSchemaText();
  if (!values.write) {
    io.stdout(text);
    return 0;
  }
  const target = positionals[0] ?? REGISTRY_SCHEMA_PATH;
  writeFileSync(target, text);
  io.stdout(`wrote ${target}\n`);
  return 0;
}

/** Commands that talk to GitHub with a token: the configuration, then the command. */
async function withConfig(
  args: string[],
  io: Io,
  command: (
    args: string[],
    config: TriageConfig,
    io: Io & { env: NodeJS.ProcessEnv },
  ) => Promise<number>,
): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: false,
    options: CONFIG_OPTIONS,
  });
  const config = loadConfig(values as { registry?: string; policy?: string }, io);
  if (!config) return 2;
  return command(args, config, { ...io, env: io.env ?? process.env });
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "triage":
        return triageCommand(rest, io);
      case "eval":
        return evalCommand(rest, io);
      case "form":
        return formCommand(rest, io);
      case "schema":
        return schemaCommand(rest, io);
      case "board":
        return await withConfig(rest, io, boardCommand);
      case "reconcile":
        return await withConfig(rest, io, reconcileCommand);
      case "report":
        return await withConfig(rest, io, reportCommand);
      case "reviews":
        return await withConfig(rest, io, reviewsCommand);
      case "validate":
        return validateCommand(rest, io);
      case "diff":
        return diffCommand(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`unknown command \`${command}\`\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    // parseArgs throws on unknown options: say so plainly instead of a stack trace.
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
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

// `sysadmin-pipe validate` and `sysadmin-pipe diff`: the pull-request check's findings, locally,
// before pushing.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { FORM_PATH } from "../form/generate.js";
import { policyFilePaths } from "../config.js";
import { diffConfigs, renderDiff } from "../features/registry-check/diff.js";
import { policyFileOf } from "../registry/policy.js";
import { validateWithForm } from "../form/drift.js";
import { validateConfig, type ConfigFile } from "../registry/validate.js";
import { formatProblems, type ConfigProblem } from "../registry/yaml-load.js";
import { configPaths, readFailure, readText, type Context } from "./command.js";

type Role = "registry" | "policy" | "tiers" | "signals" | "form";
type Files = { registry: ConfigFile; policy: ConfigFile[]; form?: ConfigFile };

const shown = (file: string) => {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
};

function read(file: string): ConfigFile {
  return { path: shown(file), text: readText(file) };
}

/** A file to validate; one that can't be read is a problem like the others. */
function tryRead(file: string): ConfigFile | ConfigProblem {
  try {
    return { path: shown(file), text: readFileSync(file, "utf8") };
  } catch (error) {
    const message = `cannot read this file: ${readFailure(error)}`;
    return { file: shown(file), line: 1, column: 1, message };
  }
}

const isProblem = (read: ConfigFile | ConfigProblem): read is ConfigProblem => "message" in read;

/**
 * Which file is which, by what it holds: the registry has `instances`, the policy's parts
 * `watch` (policy.yml, or a whole policy in one file), `tiers` and `categories`.
 */
function roleOf(file: ConfigFile): Role | undefined {
  let doc: unknown;
  try {
    doc = parse(file.text);
  } catch {
    // Unparseable: guess from the name, so the YAML error is still reported on it.
    return /polic/i.test(file.path)
      ? "policy"
      : /ISSUE_TEMPLATE|form/i.test(file.path)
        ? "form"
        : "registry";
  }
  const keys = doc && typeof doc === "object" ? Object.keys(doc) : [];
  if (keys.includes("instances")) return "registry";
  if (keys.includes("watch")) return "policy";
  if (keys.includes("tiers")) return "tiers";
  if (keys.includes("categories")) return "signals";
  if (keys.includes("body")) return "form";
  return undefined;
}

/** The files named, by what they hold; the others from --registry/--policy's defaults. */
function gather(positionals: string[], env: NodeJS.ProcessEnv) {
  const given: Partial<Record<Role, ConfigFile>> = {};
  const problems: ConfigProblem[] = [];
  let code = 1;
  for (const file of positionals.map(tryRead)) {
    if (isProblem(file)) {
      problems.push(file);
      continue;
    }
    const role = roleOf(file);
    if (role) {
      given[role] = file;
      continue;
    }
    const message =
      "not a registry, policy or issue form (no `instances`, `watch`, `tiers`, `categories` or `body`)";
    problems.push({ file: file.path, line: 1, column: 1, message });
    code = 2;
  }
  const defaults = configPaths({}, env);
  // The policy's parts: those named, else the default ones beside the policy file.
  const policyFiles = policyFilePaths(given.policy?.path ?? defaults.policy).map((file) => {
    const part = policyFileOf(file) === "policy.yml" ? "policy" : policyFileOf(file).slice(0, -4);
    return given[part as Role] ?? tryRead(file);
  });
  for (const part of ["tiers", "signals"] as const) {
    const named = given[part];
    if (named && !policyFiles.includes(named)) policyFiles.push(named);
  }
  const files = {
    registry: given.registry ?? tryRead(defaults.registry),
    form:
      given.form ?? (!positionals.length && existsSync(FORM_PATH) ? tryRead(FORM_PATH) : undefined),
  };
  const unread = [...Object.values(files), ...policyFiles].filter(
    (f): f is ConfigProblem => f !== undefined && isProblem(f),
  );
  problems.push(...unread);
  return problems.length
    ? { problems, code }
    : { files: { ...files, policy: policyFiles } as Files };
}

export function validateCommand({ values, positionals, io }: Context<{ json?: boolean }>): number {
  const gathered = gather(positionals, io.env);
  const json = (problems: ConfigProblem[]) =>
    `${JSON.stringify({ ok: problems.length === 0, problems })}\n`;
  if (!gathered.files) {
    if (values.json) io.stdout(json(gathered.problems));
    else io.stderr(`${formatProblems(gathered.problems)}\n`);
    return gathered.code;
  }
  const { problems, config } = validateWithForm(gathered.files);
  if (values.json) {
    io.stdout(json(problems));
  } else if (problems.length) {
    io.stdout(`${formatProblems(problems)}\n`);
  } else {
    const n = Object.keys(config!.registry.instances).length;
    const { registry, policy, form } = gathered.files;
    const checked = [registry, ...policy, ...(form ? [form] : [])].map((f) => f.path);
    io.stdout(`All valid (${n} instances): ${checked.join(", ")}\n`);
  }
  return problems.length ? 1 : 0;
}

const isDirectory = (where: string) => existsSync(where) && statSync(where).isDirectory();

/** A registry file, or a folder holding instances.yml and policy.yml (or config/ with them). */
function side(where: string, policy: string | undefined, env: NodeJS.ProcessEnv): Files {
  if (isDirectory(where)) {
    const dir = existsSync(path.join(where, "config", "instances.yml"))
      ? path.join(where, "config")
      : where;
    return {
      registry: read(path.join(dir, "instances.yml")),
      policy: policyFilePaths(policy ?? path.join(dir, "policy.yml")).map(read),
    };
  }
  const policyFile = policy ?? configPaths({}, env).policy;
  return { registry: read(where), policy: policyFilePaths(policyFile).map(read) };
}

type DiffValues = { policy?: string; "old-policy"?: string; "new-policy"?: string; json?: boolean };

export function diffCommand({ values, positionals, io }: Context<DiffValues>): number {
  const [oldSide, newSide] = [
    side(positionals[0]!, values["old-policy"] ?? values.policy, io.env),
    side(positionals[1]!, values["new-policy"] ?? values.policy, io.env),
  ].map((files) => validateConfig(files));
  if (!oldSide!.config || !newSide!.config) {
    const problems = [...oldSide!.problems, ...newSide!.problems];
    io.stderr(`The files have problems:\n${formatProblems(problems)}\n`);
    return 1;
  }
  const diff = diffConfigs(oldSide!.config, newSide!.config);
  io.stdout(values.json ? `${JSON.stringify(diff)}\n` : `${renderDiff(diff)}\n`);
  return 0;
}

// Loading the registry and policy files from disk (the shipped defaults live in config/).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { loadPolicyFiles } from "./registry/policy.js";
import { loadRegistry } from "./registry/schema.js";
import type { TriageConfig } from "./registry/triage-config.js";
import type { ConfigProblem } from "./registry/yaml-load.js";

/** The package's own config/ folder, from src/ or dist/ alike. */
export const DEFAULT_CONFIG_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "config",
);
export const DEFAULT_REGISTRY = path.join(DEFAULT_CONFIG_DIR, "instances.yml");
export const DEFAULT_POLICY = path.join(DEFAULT_CONFIG_DIR, "policy.yml");

export type ConfigResult =
  { ok: true; config: TriageConfig } | { ok: false; problems: ConfigProblem[] };

function readText(file: string): string | ConfigProblem {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "the file does not exist"
        : String(error);
    return { file, line: 1, column: 1, message: `cannot read this file: ${reason}` };
  }
}

/** The policy's files: the given one and, beside it, tiers.yml and signals.yml when present. */
export function policyFilePaths(policyFile: string): string[] {
  const beside = ["tiers.yml", "signals.yml"]
    .map((name) => path.join(path.dirname(policyFile), name))
    .filter((file) => file !== policyFile && existsSync(file));
  return [policyFile, ...beside];
}

/** Load and validate every file; every problem of every file is reported, not just the first. */
export function loadConfigFiles(
  registryFile = DEFAULT_REGISTRY,
  policyFile = DEFAULT_POLICY,
): ConfigResult {
  const registryText = readText(registryFile);
  const policyTexts = policyFilePaths(policyFile).map((file) => ({
    path: file,
    text: readText(file),
  }));
  const problems: ConfigProblem[] = [];
  const registry =
    typeof registryText === "string" ? loadRegistry(registryText, registryFile) : null;
  if (typeof registryText !== "string") problems.push(registryText);
  const unread = policyTexts.flatMap((f) => (typeof f.text === "string" ? [] : [f.text]));
  problems.push(...unread);
  const policy = unread.length
    ? null
    : loadPolicyFiles(policyTexts.map((f) => ({ path: f.path, text: f.text as string })));
  if (registry && !registry.ok) problems.push(...registry.problems);
  if (policy && !policy.ok) problems.push(...policy.problems);
  if (problems.length || !registry?.ok || !policy?.ok) return { ok: false, problems };
  return { ok: true, config: { registry: registry.value, policy: policy.value } };
}

// Loading the registry and policy files from disk (the shipped defaults live in config/).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { loadPolicy, type Policy } from "./registry/policy.js";
import { instanceList, loadRegistry, type Registry } from "./registry/schema.js";
import type { ConfigProblem } from "./registry/yaml-load.js";

/** The package's own config/ folder, from src/ or dist/ alike. */
export const DEFAULT_CONFIG_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "config",
);
export const DEFAULT_REGISTRY = path.join(DEFAULT_CONFIG_DIR, "instances.yml");
export const DEFAULT_POLICY = path.join(DEFAULT_CONFIG_DIR, "policy.yml");

export interface TriageConfig {
  registry: Registry;
  policy: Policy;
}

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

/** Load and validate both files; every problem of both is reported, not just the first. */
export function loadConfigFiles(
  registryFile = DEFAULT_REGISTRY,
  policyFile = DEFAULT_POLICY,
): ConfigResult {
  const registryText = readText(registryFile);
  const policyText = readText(policyFile);
  const problems: ConfigProblem[] = [];
  const registry =
    typeof registryText === "string" ? loadRegistry(registryText, registryFile) : null;
  const policy = typeof policyText === "string" ? loadPolicy(policyText, policyFile) : null;
  if (typeof registryText !== "string") problems.push(registryText);
  if (typeof policyText !== "string") problems.push(policyText);
  if (registry && !registry.ok) problems.push(...registry.problems);
  if (policy && !policy.ok) problems.push(...policy.problems);
  if (problems.length || !registry?.ok || !policy?.ok) return { ok: false, problems };
  return { ok: true, config: { registry: registry.value, policy: policy.value } };
}

/** The repositories the app watches: the installer, the configured ones and instance repos. */
export function watchedRepos(config: TriageConfig): string[] {
  return [
    ...new Set([
      config.policy.watch.install_repo,
      ...config.policy.watch.repos,
      ...instanceList(config.registry).flatMap((i) => i.repos ?? []),
    ]),
  ];
}

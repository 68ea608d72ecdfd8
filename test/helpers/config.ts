// The shipped configuration, loaded once for tests, plus small builders for variations.
import { readFileSync } from "node:fs";
import { loadPolicy, type Policy } from "../../src/registry/policy.js";
import { loadRegistry, type Registry } from "../../src/registry/schema.js";
import type { TriageConfig } from "../../src/registry/triage-config.js";

export const REGISTRY_TEXT = readFileSync(
  new URL("../../config/instances.yml", import.meta.url),
  "utf8",
);
const configFile = (name: string) =>
  readFileSync(new URL(`../../config/${name}`, import.meta.url), "utf8");

/** The shipped policy's three files: the circle's, the maintainers' and the app's wiring. */
export const TIERS_TEXT = configFile("tiers.yml");
export const SIGNALS_TEXT = configFile("signals.yml");
export const WIRING_TEXT = configFile("policy.yml");

/** The shipped policy as one file (its three parts one after another), which loads as it is. */
export const POLICY_TEXT = [TIERS_TEXT, SIGNALS_TEXT, WIRING_TEXT].join("\n");

export function shippedRegistry(): Registry {
  const result = loadRegistry(REGISTRY_TEXT);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

export function shippedPolicy(): Policy {
  const result = loadPolicy(POLICY_TEXT);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

export function shippedConfig(): TriageConfig {
  return { registry: shippedRegistry(), policy: shippedPolicy() };
}

/** A registry where the given instances have the given tiers (and optional other fields). */
export function withTiers(
  registry: Registry,
  changes: Record<string, Partial<Registry["instances"][string]>>,
): Registry {
  const instances = { ...registry.instances };
  for (const [code, change] of Object.entries(changes)) {
    const base = instances[code];
    if (!base) throw new Error(`no instance ${code}`);
    instances[code] = { ...base, ...change };
  }
  return { ...registry, instances };
}

// Everything wrong with a proposed registry and policy, at file, line and column. Shared by the
// pull-request check, `sysadmin-pipe validate` and the app's reload (the issue form's drift is
// checked beside it: form/drift.ts). Pure.
import type { TriageConfig } from "./triage-config.js";
import { loadPolicyFiles } from "./policy.js";
import { loadRegistry } from "./schema.js";
import { tooLarge, type ConfigProblem } from "./yaml-load.js";

export interface ConfigFile {
  path: string;
  text: string;
  /** The file's size when it was too large to be read at all: refused without parsing. */
  tooLarge?: number;
}

export interface Validation {
  problems: ConfigProblem[];
  /** The configuration, when both files are valid. */
  config?: TriageConfig;
}

export function validateConfig(files: {
  registry: ConfigFile;
  /** The policy's files (policy.yml, tiers.yml, signals.yml), or one file holding it all. */
  policy: readonly ConfigFile[];
}): Validation {
  const all = [files.registry, ...files.policy];
  const unread = all.flatMap((f) =>
    f.tooLarge === undefined ? [] : [tooLarge(f.path, f.tooLarge)],
  );
  if (unread.length) return { problems: unread };
  const registry = loadRegistry(files.registry.text, files.registry.path);
  const policy = loadPolicyFiles(files.policy);
  const problems: ConfigProblem[] = [];
  if (!registry.ok) problems.push(...registry.problems);
  if (!policy.ok) problems.push(...policy.problems);
  const config =
    registry.ok && policy.ok ? { registry: registry.value, policy: policy.value } : undefined;
  return config ? { problems, config } : { problems };
}

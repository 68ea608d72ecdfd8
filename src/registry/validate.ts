// Everything wrong with a proposed registry, policy and issue form, at file, line and column.
// Shared by the pull-request check, `sysadmin-pipe validate` and the app's reload. Pure.
import { parse } from "yaml";
import { codeSpan } from "../markup/inert.js";
import { instanceOption } from "../form/generate.js";
import type { TriageConfig } from "../config.js";
import { loadPolicyFiles } from "./policy.js";
import { instanceList, loadRegistry, type Registry, instanceOf } from "./schema.js";
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

/** The instance dropdown's options in an issue form, with the line each is on. */
function formOptions(text: string): { options: string[]; line: number } | undefined {
  let form: unknown;
  try {
    form = parse(text);
  } catch {
    return undefined;
  }
  const body = (form as { body?: { id?: string; attributes?: { options?: unknown } }[] })?.body;
  const dropdown = Array.isArray(body) ? body.find((b) => b?.id === "instance") : undefined;
  const options = dropdown?.attributes?.options;
  if (!Array.isArray(options)) return undefined;
  const line = text.split("\n").findIndex((l) => /^\s*id:\s*instance\s*$/.test(l)) + 1;
  return { options: options.map(String), line: Math.max(line, 1) };
}

export interface FormDrift {
  add: string[];
  remove: string[];
}

/** Which instances the form's dropdown lacks, and which it lists that the registry doesn't. */
export function formDrift(formText: string, registry: Registry): FormDrift | "unreadable" {
  const found = formOptions(formText);
  if (!found) return "unreadable";
  const codeOf = (option: string) => option.split(/\s+—\s+/)[0]!.trim();
  const listed = new Set(found.options.map(codeOf));
  const wanted = instanceList(registry);
  return {
    add: wanted.filter((i) => !listed.has(i.code)).map((i) => instanceOption(i.code, i.name)),
    remove: [...listed].filter((code) => !instanceOf(registry, code)),
  };
}

function driftProblem(form: ConfigFile, registry: Registry): ConfigProblem | undefined {
  const drift = formDrift(form.text, registry);
  const line = formOptions(form.text)?.line ?? 1;
  const fix = "run `npx sysadmin-pipe form --write` and commit the result";
  if (drift === "unreadable") {
    return {
      file: form.path,
      line: 1,
      column: 1,
      message: `the issue form has no instance dropdown the bot can read; ${fix}`,
    };
  }
  if (!drift.add.length && !drift.remove.length) return undefined;
  const parts = [];
  const quoted = (items: string[]) => items.map((o) => codeSpan(o, 60)).join(", ");
  if (drift.add.length) parts.push(`add ${quoted(drift.add)}`);
  if (drift.remove.length) parts.push(`remove ${quoted(drift.remove)}`);
  return {
    file: form.path,
    line,
    column: 1,
    message: `the instance dropdown does not match the registry: ${parts.join("; ")}. To fix it, ${fix}`,
  };
}

export function validateConfig(files: {
  registry: ConfigFile;
  /** The policy's files (policy.yml, tiers.yml, signals.yml), or one file holding it all. */
  policy: readonly ConfigFile[];
  form?: ConfigFile;
}): Validation {
  const all = [files.registry, ...files.policy, ...(files.form ? [files.form] : [])];
  const unread = all.flatMap((f) =>
    f.tooLarge === undefined ? [] : [tooLarge(f.path, f.tooLarge)],
  );
  if (unread.length) return { problems: unread };
  const registry = loadRegistry(files.registry.text, files.registry.path);
  const policy = loadPolicyFiles(files.policy);
  const problems: ConfigProblem[] = [];
  if (!registry.ok) problems.push(...registry.problems);
  if (!policy.ok) problems.push(...policy.problems);
  if (registry.ok && files.form) {
    const drift = driftProblem(files.form, registry.value);
    if (drift) problems.push(drift);
  }
  const config =
    registry.ok && policy.ok ? { registry: registry.value, policy: policy.value } : undefined;
  // The config is returned even with a drifted form: the diff is still worth showing.
  return config ? { problems, config } : { problems };
}

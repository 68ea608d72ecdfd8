// Whether an issue form's instance dropdown still matches the registry: the Tier registry check
// and `sysadmin-pipe validate` report the form beside the registry and policy. Pure.
import { parse } from "yaml";
import { codeSpan } from "../markup/inert.js";
import { instanceList, instanceOf, type Registry } from "../registry/schema.js";
import { validateConfig, type ConfigFile, type Validation } from "../registry/validate.js";
import { tooLarge, type ConfigProblem } from "../registry/yaml-load.js";
import { instanceOption } from "./generate.js";

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

/** The registry and policy validated, and the form checked against the registry. The config is
 * returned even with a drifted form: the change is still worth showing. */
export function validateWithForm(files: {
  registry: ConfigFile;
  policy: readonly ConfigFile[];
  form?: ConfigFile;
}): Validation {
  const { form } = files;
  if (form?.tooLarge !== undefined) return { problems: [tooLarge(form.path, form.tooLarge)] };
  const validation = validateConfig(files);
  const drift = form && validation.config && driftProblem(form, validation.config.registry);
  return drift ? { ...validation, problems: [...validation.problems, drift] } : validation;
}

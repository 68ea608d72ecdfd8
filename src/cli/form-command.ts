// `sysadmin-pipe form` and `sysadmin-pipe schema`: files generated from the registry.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  APPLICATION_FORM_PATH,
  FORM_PATH,
  generateApplicationForm,
  generateIssueForm,
} from "../form/generate.js";
import {
  jsonSchemaText,
  REGISTRY_SCHEMA_PATH,
  TIERS_SCHEMA_PATH,
} from "../registry/json-schema.js";
import type { CommandIo, Context } from "./command.js";

type FormValues = { write?: boolean; check?: boolean; application?: boolean };

export function formCommand({ values, positionals, io, config }: Context<FormValues>): number {
  const { registry, policy } = config();
  const form = values.application
    ? generateApplicationForm(registry, policy)
    : generateIssueForm(registry, policy);
  const target = positionals[0] ?? (values.application ? APPLICATION_FORM_PATH : FORM_PATH);
  if (values.check) return checkForm(target, form, io, values.application ? "--application " : "");
  if (!values.write) {
    io.stdout(form);
    return 0;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, form);
  io.stdout(`wrote ${target}\n`);
  return 0;
}

function checkForm(target: string, form: string, io: CommandIo, which: string): number {
  let saved = "";
  try {
    saved = readFileSync(target, "utf8");
  } catch {
    // No saved form differs from the registry like any other.
  }
  if (saved === form) {
    io.stdout(`${target} matches the registry.\n`);
    return 0;
  }
  io.stderr(`${target} does not match the registry: run \`sysadmin-pipe form ${which}--write\`.\n`);
  return 1;
}

export function schemaCommand({
  values,
  positionals,
  io,
}: Context<{ write?: boolean; tiers?: boolean }>): number {
  const text = jsonSchemaText(values.tiers ? "tiers" : "registry");
  if (!values.write) {
    io.stdout(text);
    return 0;
  }
  const target = positionals[0] ?? (values.tiers ? TIERS_SCHEMA_PATH : REGISTRY_SCHEMA_PATH);
  writeFileSync(target, text);
  io.stdout(`wrote ${target}\n`);
  return 0;
}

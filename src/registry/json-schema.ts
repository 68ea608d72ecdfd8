// JSON Schemas of the files the instance-managers circle edits (the registry and what each tier
// covers), so editors validate them while people type.
import { z } from "zod";
import { policyPartSchema } from "./policy.js";
import { RegistrySchema } from "./schema.js";

export const REGISTRY_SCHEMA_PATH = "config/instances.schema.json";
export const TIERS_SCHEMA_PATH = "config/tiers.schema.json";

const SCHEMAS = {
  registry: {
    schema: RegistrySchema,
    title: "sysadmin-pipe tier registry",
    description:
      "The Open Food Network instances and the support tier each one gets. Edited by the instance-managers circle by pull request.",
  },
  tiers: {
    schema: policyPartSchema("tiers.yml"),
    title: "sysadmin-pipe support tiers",
    description:
      "What each support tier covers, the caps, and what no tier covers. Edited by the instance-managers circle by pull request.",
  },
} as const;

export type SchemaFile = keyof typeof SCHEMAS;

export function jsonSchema(file: SchemaFile): Record<string, unknown> {
  const { schema, title, description } = SCHEMAS[file];
  // "input": what people write (defaults optional), not what the app holds after parsing.
  const generated = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return { ...generated, $schema: "http://json-schema.org/draft-07/schema#", title, description };
}

export function jsonSchemaText(file: SchemaFile): string {
  return JSON.stringify(jsonSchema(file), null, 2) + "\n";
}

export const registryJsonSchemaText = () => jsonSchemaText("registry");

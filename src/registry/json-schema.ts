// A JSON Schema of the registry, so editors validate config/instances.yml while people type.
import { z } from "zod";
import { RegistrySchema } from "./schema.js";

export const REGISTRY_SCHEMA_PATH = "config/instances.schema.json";

export function registryJsonSchema(): Record<string, unknown> {
  // "input": what people write (defaults optional), not what the app holds after parsing.
  const generated = z.toJSONSchema(RegistrySchema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return {
    ...generated,
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "sysadmin-pipe tier registry",
    description:
      "The Open Food Network instances and the support tier each one gets. Edited by the instance-managers circle by pull request.",
  };
}

export function registryJsonSchemaText(): string {
  return JSON.stringify(registryJsonSchema(), null, 2) + "\n";
}

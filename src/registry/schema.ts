// The tier registry (config/instances.yml): which instances exist and which tier each one has.
import { z } from "zod";
import { codeSpan, plainText } from "../markup/inert.js";
import {
  identityKey,
  identityOwners,
  identityWords,
  ownerWords,
  unsafeIdentity,
  type IdentityWord,
} from "./identity.js";
import { loadYaml, type LoadResult } from "./yaml-load.js";

export const TIERS = ["none", "basic", "full"] as const;
export type Tier = (typeof TIERS)[number];

export const INSTANCE_CODE = /^[a-z][a-z0-9-]{1,19}$/;
// RFC 1123 host names: labels of letters, digits and hyphens, separated by dots.
export const HOST =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// Explicit character classes (no /i flag) so the exported JSON Schema matches the same logins.
const GITHUB_LOGIN = /^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/;
const REPO = /^[\w.-]+\/[\w.-]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const text = z.string().trim().min(1);

/** Words an instance is known by: echoed in comments and chat alerts, so plain words only. */
const identity = (what: "name" | "alias") =>
  text.superRefine((value, ctx) => {
    const problem = unsafeIdentity(value, what);
    if (problem) ctx.addIssue({ code: "custom", input: value, message: `${what} ${problem}` });
  });

export const InstanceSchema = z.strictObject({
  name: identity("name"),
  tier: z
    .enum(TIERS)
    .meta({ description: "none, basic or full: what the global team does for it" }),
  hosts: z
    .array(z.string().regex(HOST, { message: "must be a host name like openfoodnetwork.org.uk" }))
    .default([]),
  aliases: z.array(identity("alias")).default([]),
  repos: z
    .array(z.string().regex(REPO, { message: "must be a repository written owner/name" }))
    .optional(),
  managers: z
    .array(
      z.string().regex(GITHUB_LOGIN, {
        message: "must be a GitHub login (letters, digits, single hyphens)",
      }),
    )
    .optional(),
  os: z
    .string()
    .min(1)
    .default("ubuntu")
    .transform((os) => os.toLowerCase()),
  // YAML reads 2026-05-01 as a date; keep it as the text people wrote.
  reviewed: z
    .union([z.date().transform((d) => d.toISOString().slice(0, 10)), z.string()])
    .pipe(
      z
        .string()
        .regex(DATE, { message: "reviewed must be a date written like 2026-05-01" })
        .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), {
          message: "reviewed must be a real date, written like 2026-05-01",
        }),
    )
    .optional(),
  review_every_months: z.number().int().min(6).max(12).optional(),
  evidence: z.array(z.url({ message: "must be a link (https://…)" })).optional(),
  note: z.string().optional(),
});

export const RegistrySchema = z
  .strictObject({
    instances: z.record(
      z.string().regex(INSTANCE_CODE, {
        message:
          "instance codes are 2–20 lower-case letters, digits or hyphens, starting with a letter",
      }),
      InstanceSchema,
    ),
  })
  .superRefine((registry, ctx) => {
    // A host or repository can belong to one instance only, or triage could not tell them apart.
    for (const field of ["hosts", "repos"] as const) {
      const owner = new Map<string, string>();
      for (const [code, instance] of Object.entries(registry.instances)) {
        (instance[field] ?? []).forEach((value, index) => {
          const key = value.toLowerCase();
          const first = owner.get(key);
          if (first !== undefined && first !== code) {
            ctx.addIssue({
              code: "custom",
              path: ["instances", code, field, index],
              message: `${field === "hosts" ? "host" : "repository"} ${codeSpan(value)} is listed for both ${codeSpan(first)} and ${codeSpan(code)}`,
            });
          } else {
            owner.set(key, code);
          }
        });
      }
    }
    sharedWords(registry.instances, ctx);
  });

/**
 * No two instances may be known by the same word (code, name or alias, compared as triage
 * compares them): "UK is on fire" must name one instance. The later instance's word is flagged.
 */
function sharedWords(
  instances: Record<string, { name: string; aliases: string[] }>,
  ctx: z.RefinementCtx,
): void {
  const owners = identityOwners(Object.entries(instances));
  for (const [code, instance] of Object.entries(instances)) {
    for (const word of identityWords(code, instance)) {
      const first = owners.get(identityKey(word.text));
      if (first && first.code !== code) ctx.addIssue(sharedWordIssue(code, instance, word, first));
    }
  }
}

function sharedWordIssue(
  code: string,
  instance: { aliases: string[] },
  word: IdentityWord,
  first: { code: string; word: IdentityWord },
): z.core.$ZodRawIssue {
  const where: (string | number)[] =
    word.kind === "code"
      ? ["instances", code]
      : word.kind === "name"
        ? ["instances", code, "name"]
        : ["instances", code, "aliases", instance.aliases.indexOf(word.text)];
  const said = word.kind === "code" ? "the code" : word.kind;
  return {
    code: "custom",
    path: where,
    input: word.text,
    ...(word.kind === "code" ? { params: { at: "key" } } : {}),
    message: `${said} ${codeSpan(word.text, 60)} is already ${ownerWords(first)} (names are compared ignoring case and accents): triage could not tell the two apart`,
  };
}

export type Registry = z.output<typeof RegistrySchema>;
export type Instance = z.output<typeof InstanceSchema>;

/**
 * The instance with this code, or undefined. Codes come from issue text ("/instance constructor"):
 * only the registry's own entries count, never what every object inherits.
 */
export function instanceOf(registry: Registry, code: string): Instance | undefined {
  // eslint-disable-next-line no-restricted-syntax -- the one lookup, after the own-entry check
  return Object.hasOwn(registry.instances, code) ? registry.instances[code] : undefined;
}

const lists = new WeakMap<Registry, readonly (Instance & { code: string })[]>();

/** The instances with their codes, in registry order; built once per registry (read-only). */
export function instanceList(registry: Registry): readonly (Instance & { code: string })[] {
  let list = lists.get(registry);
  if (!list) {
    list = Object.entries(registry.instances).map(([code, instance]) => ({ code, ...instance }));
    lists.set(registry, list);
  }
  return list;
}

function describeRegistryPath(path: readonly (string | number)[]): string {
  const [head, code, field, index] = path;
  if (head !== "instances" || code === undefined) return path.map(String).join(" › ");
  const instance = `instance ${codeSpan(String(code), 40)}`;
  if (typeof index === "number")
    return `${instance}, ${plainText(String(field), 40)} entry ${index + 1}`;
  return instance;
}

export function loadRegistry(text: string, file = "config/instances.yml"): LoadResult<Registry> {
  return loadYaml(text, file, RegistrySchema, describeRegistryPath);
}

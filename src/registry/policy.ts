// The policy file (config/policy.yml): what each tier covers and how requests are read.
import { z } from "zod";
import { moneyOf, type Money } from "./money.js";
import { codeSpan, plainText } from "../markup/inert.js";
import { CATEGORIES, SEVERITIES, SIZES } from "./vocabulary.js";
import { loadYaml, type ConfigProblem, type LoadResult } from "./yaml-load.js";

/** Signal phrases: each must contain a letter or digit ("*" alone would match every issue). */
const words = z
  .array(
    z.string().regex(/[\p{L}\p{N}]/u, {
      message: "must contain a letter or a digit (a phrase like `*` would match every issue)",
    }),
  )
  .default([]);
const category = z.enum(CATEGORIES);
const severity = z.enum(SEVERITIES);
const size = z.enum(SIZES);
const repoName = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+$/, { message: "must be a repository written as owner/name" });

const HourCapSchema = z.strictObject({
  hours: z.number().positive(),
  per: z.enum(["month", "quarter"]),
  /** nominal: the policy's hours per size of accepted requests; logged: hours logged with /spent. */
  count: z.enum(["nominal", "logged"]).default("nominal"),
});

/** A promised time, in calendar time: `30m`, `1h`, `4h`, `1d`, `5d`. */
const promiseSpan = z.string().regex(/^[1-9]\d{0,3}[mhd]$/, {
  message: "must be a time such as 30m, 1h, 1d or 5d",
});

const TierPolicySchema = z
  .strictObject({
    covers: z.array(category).default([]),
    s0_response: z.boolean().default(false),
    max_size: size.optional(),
    /** Pipe hours an instance of this tier may use per month or quarter; off when absent. */
    hour_cap: HourCapSchema.optional(),
    /** The time to a first human response this tier promises, per severity; none when absent. */
    respond_within: z.partialRecord(severity, promiseSpan).default({}),
  })
  .superRefine((tier, ctx) => {
    if (tier.respond_within.S0 && !tier.s0_response)
      ctx.addIssue({
        code: "custom",
        path: ["respond_within", "S0"],
        message: "a tier without s0_response promises no S0 response",
      });
  });

/** One piece of evidence a tier application asks for (the "Tier application" issue form). */
const EvidenceFieldSchema = z.strictObject({
  /** The form field's id: lower-case letters, digits and underscores. */
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, {
    message: "must be lower-case letters, digits or underscores, starting with a letter",
  }),
  /** The question as the form asks it (and as GitHub writes it back in the issue). */
  label: z.string().trim().min(1).max(60),
  /** A line under the question: what good evidence looks like. */
  help: z.string().trim().min(1).max(300).optional(),
  /** The answer must hold a link (https://…); the links go into the registry's `evidence`. */
  link: z.boolean().default(false),
  /** Left empty, the application is incomplete for this tier. */
  required: z.boolean().default(true),
});

/**
 * The evidence each tier asks for. The form is one for both tiers, so a field asked by both must
 * be asked the same way (same label, same link rule), and no two fields may share a label: the
 * app reads the answers back by their labels.
 */
const ApplicationsSchema = z
  .strictObject({
    basic: z.array(EvidenceFieldSchema).default([]),
    full: z.array(EvidenceFieldSchema).default([]),
  })
  .superRefine((applications, ctx) => {
    const seen = new Map<string, { label: string; link: boolean }>();
    for (const tier of ["basic", "full"] as const) {
      applications[tier].forEach((field, i) => {
        const path = ["applications", tier, i];
        const first = seen.get(field.key);
        if (first && (first.label !== field.label || first.link !== field.link)) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `evidence ${codeSpan(field.key, 60)} is asked differently by the two tiers: give it the same label and link rule`,
          });
        }
        const clash = [...seen].find(
          ([key, other]) =>
            key !== field.key && other.label.toLowerCase() === field.label.toLowerCase(),
        );
        if (clash) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `the label ${codeSpan(field.label, 100)} is also the label of ${codeSpan(clash[0], 60)}: each question needs its own`,
          });
        }
        if (applications[tier].findIndex((f) => f.key === field.key) !== i) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `evidence ${codeSpan(field.key, 60)} is listed twice`,
          });
        }
        seen.set(field.key, { label: field.label, link: field.link });
      });
    }
  });

const CategoryPolicySchema = z.strictObject({
  description: z.string().min(1),
  /** A fallback (configuration): a specific category the title names strongly comes first. */
  generic: z.boolean().default(false),
  strong: words,
  signals: words,
  severity,
  size,
});

/** How instance work is told from ofn-install's own work and from bugs of the OFN app. */
const KindSchema = z.strictObject({
  /** Words about the OFN app's features (checkout, invoices…): such an issue is an app bug. */
  product: z.strictObject({ strong: words, signals: words }).prefault({}),
  /** Everyday phrases whose words are not signals ("slows things down" is not an outage). */
  everyday_phrases: words,
});

/** The lists of words that read severity, in English and in each language's block. */
const SEVERITY_WORDS = {
  s0_signals: words,
  broken_signals: words,
  degraded_signals: words,
  request_signals: words,
  request_verbs: words,
  staging_signals: words,
  /** Words that name production, so "staging is down" is told from "prod is down". */
  production_signals: words,
  /** Phrases that make a title a question ("how to…"), beside a final "?". */
  question_signals: words,
};

/** A language's name as people write it ("French", "français"), for "enable French in Katuma". */
const languageName = z.string().trim().min(1).max(40);

/**
 * One language's signal words, in the shape of the English lists (every part optional): a
 * translator adds a language by writing a block, with no code. Its words are read in every
 * issue, beside the English ones; `plural_endings` are what its plurals add to a word
 * ("certificat" -> "certificats"), applied to its own words only.
 */
const LanguageSchema = z.strictObject({
  name: languageName,
  /** Other names of the language, its own first ("français"). */
  names: z.array(languageName).default([]),
  plural_endings: z
    .array(z.string().regex(/^\p{L}{1,4}$/u, { message: "must be 1–4 letters" }))
    .default([]),
  /** Its titles may end with the verb ("SSH-Schlüssel hinzufügen"), not only start with it. */
  verb_last: z.boolean().default(false),
  categories: z
    .partialRecord(category, z.strictObject({ strong: words, signals: words }))
    .default({}),
  severity: z.strictObject(SEVERITY_WORDS).prefault({}),
  size: z.partialRecord(size, words).default({}),
  product: z.strictObject({ strong: words, signals: words }).prefault({}),
  everyday_phrases: words,
  context_words: words,
  language_words: words,
  language_verbs: words,
  list_words: words,
});
export type Language = z.output<typeof LanguageSchema>;

/** Languages by their ISO 639 code ("fr", "pt-br"): codes only, so no text becomes a key. */
const LanguagesSchema = z
  .record(
    z
      .string()
      .regex(/^[a-z]{2,3}(?:-[a-z]{2,4})?$/, { message: "must be an ISO 639 code such as fr" }),
    LanguageSchema,
  )
  .default({});

const LabelsSchema = z.strictObject({
  pipe: z.string().min(1).default("sysadmin-pipe"),
  install: z.string().min(1).default("ofn-install"),
  needs_triage: z.string().min(1).default("needs-triage"),
  not_covered: z.string().min(1).default("not-covered"),
  job_board: z.string().min(1).default("job-board"),
  /** A tier application that lacks evidence. */
  needs_info: z.string().min(1).default("needs-info"),
  instance_prefix: z.string().default("instance:"),
  size_prefix: z.string().default("size:"),
  category_prefix: z.string().default("category:"),
  severity_prefix: z.string().default(""),
});

const fieldName = z.string().trim().min(1).max(100);

export const BoardSchema = z.strictObject({
  owner: z.string().regex(/^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/, {
    message: "must be a GitHub organisation or user login",
  }),
  /** null: no board yet; filing is off. */
  number: z.number().int().positive().nullable().default(null),
  status_field: fieldName.default("Status"),
  columns: z
    .strictObject({
      inbox: fieldName.default("Inbox"),
      emergency: fieldName.default("Emergency"),
      ready: fieldName.default("Ready"),
      in_progress: fieldName.default("In progress"),
      jobs_board: fieldName.default("Jobs board"),
      done: fieldName.default("Done"),
    })
    .prefault({}),
  fields: z
    .strictObject({
      severity: fieldName.default("Severity"),
      size: fieldName.default("Size"),
      tier: fieldName.default("Tier"),
      instance: fieldName.default("Instance"),
      hours: fieldName.default("Hours"),
      estimate: fieldName.default("Estimate"),
      respond_by: fieldName.default("Respond by"),
    })
    .prefault({}),
});

const teamName = z
  .string()
  .regex(/^[A-Za-z\d-]+\/[\w.-]+$/, { message: "must be a team written as org/team-slug" });

const CommandsSchema = z.strictObject({
  /** Members of this team may run every command, as people with write access may. */
  maintainer_team: teamName.nullable().default(null),
  /** The most one `/spent` may log: a typo like `900h` is refused, not recorded. */
  max_spent_hours: z.number().positive().max(1000).default(24),
});

const AlertsSchema = z.strictObject({
  /** Mentioned in the bot comment of an accepted S0, so GitHub notifies them at once. */
  s0_team: teamName.nullable().default(null),
  /** Mentioned as well when an accepted S0 goes unanswered: at half its promised time, and at
   * all of it (tiers.yml's respond_within). */
  escalation_team: teamName.nullable().default(null),
});

const filePath = z.string().trim().min(1).max(300);

const RegistrySourceSchema = z.strictObject({
  /** The repository whose default branch holds the live registry; null: the app's own files. */
  repo: repoName.nullable().default(null),
  registry: filePath.default("config/instances.yml"),
  policy: filePath.default("config/policy.yml"),
  tiers: filePath.default("config/tiers.yml"),
  signals: filePath.default("config/signals.yml"),
  form: filePath.default(".github/ISSUE_TEMPLATE/sysadmin-request.yml"),
});
export type RegistrySource = z.output<typeof RegistrySourceSchema>;

const JobsSchema = z.strictObject({
  /** Members may claim jobs-board work with `/take` (maintainers always may); null: no team. */
  developers: teamName.nullable().default(null),
});

const ReportsSchema = z.strictObject({
  /** Where load reports and tier-review issues are opened; null: not configured. */
  repo: repoName.nullable().default(null),
  /** Mentioned on tier-review issues (org/team-slug), so the circle is notified. */
  circle_team: teamName.nullable().default(null),
  report_label: z.string().min(1).default("load-report"),
  review_label: z.string().min(1).default("tier-review"),
  /** On the jobs board's invoice summaries (`sysadmin-pipe invoice --post`), one per period. */
  invoice_label: z.string().min(1).default("jobs-invoice"),
  /** What the "Tier application" form puts on an application (never triaged as a request). */
  application_label: z.string().min(1).default("tier-application"),
});

/** The community's notional cost of one hour of the pipe: what support costs, for funding. */
const HourCostSchema = z
  .strictObject({
    /** In the currency's major units, like 60 or 62.50. */
    amount: z.number().min(0),
    /** An ISO 4217 code, like EUR. */
    currency: z.string().regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as EUR" }),
  })
  .superRefine((cost, ctx) => {
    const money = moneyOf(cost.amount, cost.currency);
    if (typeof money === "string") ctx.addIssue({ code: "custom", message: money });
  });

/** Every section of the policy, whichever file it is written in. */
const PolicyShape = z.strictObject({
  watch: z.strictObject({
    install_repo: repoName,
    repos: z.array(repoName).default([]),
  }),
  tiers: z.strictObject({
    none: TierPolicySchema,
    basic: TierPolicySchema,
    full: TierPolicySchema,
  }),
  never_covered: z.array(category).default(["website"]),
  not_pipe: z.array(category).default(["tooling"]),
  os_sensitive: z.array(category).default([]),
  supported_os: z.array(z.string().min(1)).default(["ubuntu"]),
  size_hours: z.strictObject({
    XS: z.number().positive(),
    S: z.number().positive(),
    M: z.number().positive(),
    L: z.number().positive(),
  }),
  pipe_hour_cost: HourCostSchema.optional(),
  applications: ApplicationsSchema.prefault({}),
  categories: z.strictObject(
    Object.fromEntries(CATEGORIES.map((c) => [c, CategoryPolicySchema])) as Record<
      (typeof CATEGORIES)[number],
      typeof CategoryPolicySchema
    >,
  ),
  severity: z.strictObject({
    ...SEVERITY_WORDS,
    // English defaults, for a signals.yml written before these lists existed.
    production_signals: words.default(["prod", "production"]),
    question_signals: words.default(["how to", "how do"]),
  }),
  size: z.strictObject({
    signals: z.partialRecord(size, words).default({}),
  }),
  kind: KindSchema.prefault({}),
  instances: z.strictObject({
    ambiguous_aliases: words,
    context_words: words,
    inventory_suffixes: words,
    /** Names of languages: an alias like "French" may name the language, not the instance. */
    languages: words,
    /** Words that show a line speaks of languages ("the IT locale"). */
    language_words: words.default(["locale*", "language*", "translat*"]),
    /** Verbs right before a language's name ("enable French"). */
    language_verbs: words.default(["enable*", "disable*", "translate*", "into"]),
    /** Words that list instances side by side ("FR and BE"). */
    list_words: words.default(["and", "or"]),
  }),
  languages: LanguagesSchema,
  labels: LabelsSchema.default(LabelsSchema.parse({})),
  board: BoardSchema.optional(),
  commands: CommandsSchema.prefault({}),
  alerts: AlertsSchema.prefault({}),
  registry_source: RegistrySourceSchema.prefault({}),
  reports: ReportsSchema.prefault({}),
  jobs: JobsSchema.prefault({}),
});

type Section = keyof typeof PolicyShape.shape;

/**
 * The policy is written in three files, one per audience: what each tier covers (the
 * instance-managers circle), the signal words (maintainers), and the app's wiring (whoever runs
 * it). A single file with every section still loads, as before the split.
 */
export const POLICY_FILES = {
  "tiers.yml": [
    "tiers",
    "never_covered",
    "not_pipe",
    "os_sensitive",
    "supported_os",
    "size_hours",
    "pipe_hour_cost",
    "applications",
  ],
  "signals.yml": ["categories", "severity", "size", "kind", "instances", "languages"],
  "policy.yml": [
    "watch",
    "labels",
    "board",
    "commands",
    "alerts",
    "registry_source",
    "reports",
    "jobs",
  ],
} as const satisfies Record<string, readonly Section[]>;

/** A category both covered and never covered is a contradiction worth pointing out. */
function coverageContradictions(
  policy: Partial<Pick<z.output<typeof PolicyShape>, "tiers" | "never_covered" | "not_pipe">>,
  ctx: z.RefinementCtx,
): void {
  const never = [...(policy.never_covered ?? []), ...(policy.not_pipe ?? [])];
  for (const [tier, rules] of Object.entries(policy.tiers ?? {})) {
    rules.covers.forEach((c, i) => {
      if (never.includes(c)) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", tier, "covers", i],
          message: `${codeSpan(c, 60)} is listed as never covered (or not part of the pipe), so no tier can cover it`,
        });
      }
    });
  }
}

export const PolicySchema = PolicyShape.superRefine(coverageContradictions);

/** One of the three files: only its own sections, each checked where it is written. */
export function policyPartSchema(file: keyof typeof POLICY_FILES) {
  const keys = Object.fromEntries(POLICY_FILES[file].map((k) => [k, true])) as Record<
    Section,
    true
  >;
  return PolicyShape.pick(keys).partial().superRefine(coverageContradictions);
}

export type Policy = z.output<typeof PolicySchema>;
export type TierPolicy = z.output<typeof TierPolicySchema>;
export type HourCap = z.output<typeof HourCapSchema>;

/** The cost of a pipe hour in minor units, when the circle set one. */
export function pipeHourCost(policy: Pick<Policy, "pipe_hour_cost">): Money | undefined {
  const cost = policy.pipe_hour_cost;
  if (!cost) return undefined;
  const money = moneyOf(cost.amount, cost.currency);
  return typeof money === "string" ? undefined : money;
}
export type EvidenceField = z.output<typeof EvidenceFieldSchema>;
export type Applications = z.output<typeof ApplicationsSchema>;
export type CategoryPolicy = z.output<typeof CategoryPolicySchema>;
export type LabelNames = z.output<typeof LabelsSchema>;
export type BoardConfig = z.output<typeof BoardSchema>;
export type Column = keyof BoardConfig["columns"];

function describePolicyPath(path: readonly (string | number)[]): string {
  const [head, name, field] = path;
  const what = head === "tiers" ? "tier" : head === "categories" ? "category" : undefined;
  if (what === undefined || name === undefined) return path.map(String).join(" › ");
  // "tier `basic`: max_size must be…", "tier `basic`, covers: this entry must be…"
  const named = `${what} ${codeSpan(String(name), 40)}`;
  return path.length > 3 ? `${named}, ${plainText(String(field), 40)}` : named;
}

export function loadPolicy(text: string, file = "config/policy.yml"): LoadResult<Policy> {
  return loadYaml(text, file, PolicySchema, describePolicyPath);
}

export interface PolicyText {
  path: string;
  text: string;
}

export type PolicyFile = keyof typeof POLICY_FILES;

/** Which of the three files a path is, by its name (any other name is the wiring's). */
export function policyFileOf(file: string): PolicyFile {
  const name = file.split(/[\\/]/).at(-1) ?? "";
  return name === "tiers.yml" || name === "signals.yml" ? name : "policy.yml";
}

/**
 * The policy from its files: each checked on its own (so a problem has its file, line and
 * column), a section written in two files refused, and the whole put together. One file holding
 * every section (the layout before the split) is read as it is.
 */
export function loadPolicyFiles(files: readonly PolicyText[]): LoadResult<Policy> {
  if (files.length === 1) return loadPolicy(files[0]!.text, files[0]!.path);
  const problems: ConfigProblem[] = [];
  const merged: Record<string, unknown> = {};
  const writtenIn = new Map<string, string>();
  for (const file of files) {
    const part = loadYaml(
      file.text,
      file.path,
      policyPartSchema(policyFileOf(file.path)),
      describePolicyPath,
    );
    if (!part.ok) {
      problems.push(...part.problems);
      continue;
    }
    for (const [section, value] of Object.entries(part.value)) {
      if (value === undefined) continue;
      const other = writtenIn.get(section);
      if (other) {
        const message = `\`${section}\` is also in ${other}: write each section in one file`;
        problems.push({ file: file.path, line: 1, column: 1, message });
      }
      writtenIn.set(section, file.path);
      merged[section] = value;
    }
  }
  if (problems.length) return { ok: false, problems };
  const whole = PolicySchema.safeParse(merged);
  if (whole.success) return { ok: true, value: whole.data };
  return {
    ok: false,
    problems: whole.error.issues.map((issue) => {
      const section = String(issue.path[0] ?? "");
      const home = (Object.keys(POLICY_FILES) as PolicyFile[]).find((f) =>
        (POLICY_FILES[f] as readonly string[]).includes(section),
      );
      const file = files.find((f) => policyFileOf(f.path) === home)?.path ?? files[0]!.path;
      return {
        file,
        line: 1,
        column: 1,
        message: `\`${section}\` is missing (it belongs in ${home})`,
      };
    }),
  };
}

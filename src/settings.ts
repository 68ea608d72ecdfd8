// The deployer's settings: environment variables, declared once here (with what each means, which
// the operators' page, docs/running-it.md, repeats and a test keeps in step), read once and checked, so a typo
// ("RECONCILE_EVERY_MINUTES=abc") stops the app with a clear line instead of silently doing less.
import { z } from "zod";
import { redactSecrets } from "./redact.js";
import { BoardSchema, type Policy } from "./registry/policy.js";

const flag = z
  .string()
  .regex(/^(1|true|yes|on|0|false|no|off)$/i, "must be true or false")
  .transform((v) => /^(1|true|yes|on)$/i.test(v));
const whole = (what: string) =>
  z.string().regex(/^\d+$/, `must be a whole number of ${what}`).transform(Number);
const seconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a number of seconds")
  .transform(Number);
const repo = z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be a repository written owner/name");
const team = z.string().regex(/^[A-Za-z\d-]+\/[\w.-]+$/, "must be a team written org/team-slug");
const login = z.string().regex(/^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/, {
  message: "must be a GitHub organisation or user login",
});

/** Where the configuration comes from, and the deployment's own places: app and CLI alike. */
const DeploymentSchema = z.object({
  REGISTRY_FILE: z
    .string()
    .optional()
    .describe("use this registry file instead of config/instances.yml"),
  POLICY_FILE: z.string().optional().describe("use this policy file instead of config/policy.yml"),
  REGISTRY_REPO: repo
    .optional()
    .describe(
      "read the live registry and policy from this repository (policy `registry_source.repo`)",
    ),
  BOARD_OWNER: login
    .optional()
    .describe("the organisation that owns the pipe board (`board.owner`)"),
  BOARD_NUMBER: whole("a project")
    .optional()
    .describe(
      "the pipe board's project number; filing on the board is off without it (`board.number`)",
    ),
  REPORTS_REPO: repo
    .optional()
    .describe("where load reports and tier-review issues are opened (`reports.repo`)"),
  CIRCLE_TEAM: team
    .optional()
    .describe("the instance-managers circle's team (`reports.circle_team`)"),
  S0_TEAM: team.optional().describe("the team mentioned on an accepted S0 (`alerts.s0_team`)"),
  ESCALATION_TEAM: team
    .optional()
    .describe(
      "also mentioned when an S0 goes unanswered, at half its promised time and at all of it (`alerts.escalation_team`)",
    ),
  MAINTAINER_TEAM: team
    .optional()
    .describe(
      "members may run every command, as people with write access (`commands.maintainer_team`)",
    ),
  APP_SLUG: z
    .string()
    .regex(
      /^[a-z\d](?:[a-z\d-]{0,62})$/,
      "must be a GitHub App's slug, as in github.com/apps/<slug>",
    )
    .optional()
    .describe(
      "the App's slug: only comments by `<slug>[bot]` are the app's own (the app asks GitHub when unset; the command line assumes `sysadmin-pipe`, and `reconcile`, which writes, requires it)",
    ),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL")
    .optional()
    .describe(
      "share locks, the work queue and GitHub's rate limits among replicas (required for more than one)",
    ),
});

/** The app's settings: the deployment's, and how the running app behaves. */
const SettingsSchema = DeploymentSchema.extend({
  DRY_RUN: flag.default(false).describe("compute and log every plan, write nothing to GitHub"),
  RECONCILE_EVERY_MINUTES: whole("minutes")
    .default(15)
    .describe("run the reconcile sweep inside the app this often (default 15; 0: off)"),
  CHAT_WEBHOOK_URL: z
    .url("must be an http(s) URL")
    .optional()
    .describe(
      "a Slack-compatible incoming webhook: accepted S0s and new jobs-board items are posted",
    ),
  SHUTDOWN_TIMEOUT_SECONDS: seconds
    .default(8)
    .describe("on SIGTERM, how long deliveries in flight may take before the app exits anyway"),
  STATUS_TOKEN: z
    .string()
    .regex(/^\S{16,}$/, "must be at least 16 characters without spaces (openssl rand -hex 32)")
    .optional()
    .describe(
      "`GET /status` with `Authorization: Bearer <token>` shows the details (installations, the registry's problems) from anywhere; without it, only from this machine",
    ),
});

/** Settings that are secrets whole: a problem with one never shows its value. */
const SECRETS = new Set(["STATUS_TOKEN"]);

/** A setting's value as a log line may show it (settings can hold passwords and tokens). */
export function shownSetting(name: string, value: string | undefined): string {
  if (value === undefined) return "unset";
  if (SECRETS.has(name)) return `(hidden, ${value.length} characters)`;
  return JSON.stringify(redactSecrets(value));
}

export type Deployment = z.output<typeof DeploymentSchema>;
export type Settings = z.output<typeof SettingsSchema>;
export type Read<T> = { ok: true; settings: T } | { ok: false; problems: string[] };

/** Every variable and what it means, for help texts and docs/running-it.md. */
export const SETTINGS_HELP: Record<string, string> = Object.fromEntries(
  Object.entries(SettingsSchema.shape).map(([name, schema]) => [name, schema.description ?? ""]),
);

function read<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): Read<z.output<S>> {
  // An empty variable counts as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const result = schema.safeParse(present);
  if (result.success) return { ok: true, settings: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => {
      const name = String(i.path[0]);
      return `${name}=${shownSetting(name, env[name])}: ${i.message}`;
    }),
  };
}

export const readSettings = (env: NodeJS.ProcessEnv) => read(SettingsSchema, env);
export const readDeployment = (env: NodeJS.ProcessEnv) => read(DeploymentSchema, env);

/** The policy with the deployment's places filled in: an environment variable wins over the file. */
export function withDeployment(policy: Policy, d: Deployment): Policy {
  // A policy without a board gets one when the deployment names its owner.
  const board =
    policy.board ?? (d.BOARD_OWNER ? BoardSchema.parse({ owner: d.BOARD_OWNER }) : undefined);
  return {
    ...policy,
    registry_source: {
      ...policy.registry_source,
      repo: d.REGISTRY_REPO ?? policy.registry_source.repo,
    },
    board: board && {
      ...board,
      owner: d.BOARD_OWNER ?? board.owner,
      number: d.BOARD_NUMBER ?? board.number,
    },
    reports: {
      ...policy.reports,
      repo: d.REPORTS_REPO ?? policy.reports.repo,
      circle_team: d.CIRCLE_TEAM ?? policy.reports.circle_team,
    },
    alerts: {
      ...policy.alerts,
      s0_team: d.S0_TEAM ?? policy.alerts.s0_team,
      escalation_team: d.ESCALATION_TEAM ?? policy.alerts.escalation_team,
    },
    commands: {
      ...policy.commands,
      maintainer_team: d.MAINTAINER_TEAM ?? policy.commands.maintainer_team,
    },
  };
}

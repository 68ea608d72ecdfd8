// Every command, declared once: parsing, each command's --help and the list of commands all
// come from this table. A new command is one more entry.
import { APPLICATION_FORM_PATH, FORM_PATH } from "../form/generate.js";
import { REGISTRY_SCHEMA_PATH, TIERS_SCHEMA_PATH } from "../registry/json-schema.js";
import { boardCommand } from "./board.js";
import { CONFIG_OPTIONS, defineCommand, type Command, type OptionSpecs } from "./command.js";
import { evalCommand, SPLIT_SEED } from "./eval.js";
import { formCommand, schemaCommand } from "./form-command.js";
import { reconcileCommand } from "./reconcile.js";
import { diffCommand, validateCommand } from "./registry-commands.js";
import { reportCommand } from "./report-command.js";
import { invoiceCommand } from "./invoice-command.js";
import { costCommand } from "./cost-command.js";
import { MAX_COST_MONTHS } from "../report/cost.js";
import { reviewsCommand } from "./reviews-command.js";
import { triageCommand } from "./triage.js";

const TOKEN = "Token in GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise).";

const BOARD_OPTIONS = {
  ...CONFIG_OPTIONS,
  owner: { type: "string", value: "ORG", help: "the project's owner (default: board.owner)" },
  number: { type: "string", value: "N", help: "the project's number (default: board.number)" },
} as const satisfies OptionSpecs;

export const COMMANDS: readonly Command[] = [
  defineCommand({
    name: "triage",
    synopsis: "[--json] [FILE|-]",
    summary: "Triage issues given as JSON Lines, offline, as the app would.",
    details:
      'Each line is a GitHub issue object, or {"repo","title","body","labels"}; standard input unless FILE.',
    args: "[FILE|-]",
    options: {
      ...CONFIG_OPTIONS,
      json: { type: "boolean", help: "one JSON object per issue (the design's contract)" },
    },
    run: triageCommand,
  }),
  defineCommand({
    name: "eval",
    synopsis: "[--json] [--split [--seed S]] FILE...",
    summary: 'How often triage agrees with labelled issues (JSON Lines with an "answer").',
    details:
      "Per-field accuracy, kind confusion, confident wrong answers, abstentions and the misses.",
    args: "FILE...",
    options: {
      ...CONFIG_OPTIONS,
      json: { type: "boolean", help: "one JSON object per file" },
      split: {
        type: "boolean",
        help: "also report each file's two fixed halves, tune and held-out",
      },
      seed: { type: "string", value: "S", help: `the split's seed (default: ${SPLIT_SEED})` },
    },
    run: evalCommand,
  }),
  defineCommand({
    name: "form",
    synopsis: "[--application] [--write | --check] [PATH]",
    summary: "Print the sysadmin request (or tier application) issue form made from the registry.",
    args: "[PATH]",
    options: {
      ...CONFIG_OPTIONS,
      application: {
        type: "boolean",
        help: `the tier application form instead (default PATH: ${APPLICATION_FORM_PATH})`,
      },
      write: { type: "boolean", help: `save it to PATH (default: ${FORM_PATH})` },
      check: { type: "boolean", help: "exit 1 when the form saved at PATH differs" },
    },
    run: formCommand,
  }),
  defineCommand({
    name: "board setup",
    synopsis: "[--owner ORG] [--number N] [--dry-run]",
    summary: "Create the pipe board's fields and options on a project.",
    details: TOKEN,
    options: {
      ...BOARD_OPTIONS,
      "dry-run": { type: "boolean", help: "say what would be created, change nothing" },
    },
    run: (context) => boardCommand("setup", context),
  }),
  defineCommand({
    name: "board check",
    synopsis: "[--owner ORG] [--number N]",
    summary: "Report how a project differs from the configuration; exit 1 when it does.",
    details: TOKEN,
    options: BOARD_OPTIONS,
    run: (context) => boardCommand("check", context),
  }),
  defineCommand({
    name: "validate",
    synopsis: "[--json] [FILE...]",
    summary: "Check the registry, policy and issue form as the pull-request check does.",
    details: `Files not named: $REGISTRY_FILE and $POLICY_FILE, else config/, and ${FORM_PATH}. Exits 1 when something must be fixed.`,
    args: "[FILE...]",
    options: { json: { type: "boolean", help: '{"ok","problems"} on standard output' } },
    run: validateCommand,
  }),
  defineCommand({
    name: "diff",
    synopsis: "[--policy FILE] [--json] OLD NEW",
    summary: "What changes from one registry to another.",
    details: "OLD and NEW: registry files, or folders with instances.yml and policy.yml.",
    args: "OLD NEW",
    options: {
      policy: {
        type: "string",
        value: "FILE",
        help: "the policy for registry files (default: $POLICY_FILE, else config/policy.yml)",
      },
      "old-policy": { type: "string", value: "FILE", help: "the policy for OLD only" },
      "new-policy": { type: "string", value: "FILE", help: "the policy for NEW only" },
      json: { type: "boolean", help: "the differences as JSON" },
    },
    run: diffCommand,
  }),
  defineCommand({
    name: "reconcile",
    synopsis: "[--repo OWNER/NAME ...] [--dry-run] [--json]",
    summary: "Re-triage open issues whose decision is missing or stale; board accepted requests.",
    details: `${TOKEN} The app sweeps by itself (RECONCILE_EVERY_MINUTES, default 15). With REDIS_URL (the app's) this command is safe beside the running app: it takes the same issue locks, leaves queued issues to the app and does not run while another sweep does. Without REDIS_URL it cannot see the app: run it only while the app is stopped.`,
    options: {
      ...CONFIG_OPTIONS,
      repo: {
        type: "string",
        multiple: true,
        value: "OWNER/NAME",
        help: "only this watched repository (repeatable; default: all of them)",
      },
      "dry-run": { type: "boolean", help: "say what is stale, change nothing" },
      json: { type: "boolean", help: "the sweep's report as JSON" },
    },
    run: reconcileCommand,
  }),
  defineCommand({
    name: "report",
    synopsis: "--period 2026-Q4|2026-11 | --since DATE --until DATE [--json] [--post]",
    summary: "The pipe's load in a period, per instance and tier, as Markdown with Mermaid charts.",
    details: TOKEN,
    options: {
      ...CONFIG_OPTIONS,
      period: { type: "string", value: "PERIOD", help: "a quarter (2026-Q4) or a month (2026-11)" },
      since: { type: "string", value: "DATE", help: "the first day (2026-10-01), with --until" },
      until: { type: "string", value: "DATE", help: "the last day, included" },
      json: { type: "boolean", help: "the figures as JSON instead of Markdown" },
      post: {
        type: "boolean",
        help: "keep one report issue per period up to date in reports.repo",
      },
    },
    run: reportCommand,
  }),
  defineCommand({
    name: "invoice",
    synopsis:
      "--period 2026-Q4|2026-11 | --since DATE --until DATE [--instance CODE] [--developer LOGIN] [--json | --csv] [--post]",
    summary: "The jobs board's invoices for a period, per developer and instance, with amounts.",
    details: `${TOKEN} Hourly jobs bill the hours logged in the period up to the agreed estimate; a fixed price is billed in the period of its \`/done\`; nothing without an agreed price. Nothing of the sysadmin pipe is listed.`,
    options: {
      ...CONFIG_OPTIONS,
      period: { type: "string", value: "PERIOD", help: "a quarter (2026-Q4) or a month (2026-11)" },
      since: { type: "string", value: "DATE", help: "the first day (2026-10-01), with --until" },
      until: { type: "string", value: "DATE", help: "the last day, included" },
      instance: { type: "string", value: "CODE", help: "only this instance's jobs" },
      developer: { type: "string", value: "LOGIN", help: "only this developer's jobs" },
      json: { type: "boolean", help: "the summary as JSON instead of Markdown" },
      csv: { type: "boolean", help: "one CSV row per job and instance, for a spreadsheet" },
      post: {
        type: "boolean",
        help: "keep one invoice summary issue per period up to date in reports.repo",
      },
    },
    run: invoiceCommand,
  }),
  defineCommand({
    name: "cost",
    synopsis: "--instance CODE [--months N] [--json | --csv]",
    summary:
      "The cost of an instance's support: its last months' pipe hours and cost, and a 12-month projection.",
    details: `${TOKEN} Hours logged with /spent on the instance's requests, by category and severity, at \`pipe_hour_cost\` (config/tiers.yml); for a funding application.`,
    options: {
      ...CONFIG_OPTIONS,
      instance: { type: "string", value: "CODE", help: "the instance (required)" },
      months: {
        type: "string",
        value: "N",
        help: `complete months before this one to read (default 12, at most ${MAX_COST_MONTHS})`,
      },
      json: { type: "boolean", help: "the figures as JSON instead of Markdown" },
      csv: { type: "boolean", help: "one CSV row per month, category and severity, and the total" },
    },
    run: costCommand,
  }),
  defineCommand({
    name: "reviews",
    synopsis: "[--dry-run] [--today DATE]",
    summary: "Open one issue per instance whose tier review is due, in reports.repo; never twice.",
    details: TOKEN,
    options: {
      ...CONFIG_OPTIONS,
      "dry-run": { type: "boolean", help: "say which issues would be opened, open none" },
      today: { type: "string", value: "DATE", help: "the day to count from (default: today)" },
    },
    run: reviewsCommand,
  }),
  defineCommand({
    name: "schema",
    synopsis: "[--tiers] [--write [PATH]]",
    summary: "Print the JSON Schema of the registry (or, with --tiers, of tiers.yml).",
    args: "[PATH]",
    options: {
      tiers: { type: "boolean", help: `the schema of config/tiers.yml (${TIERS_SCHEMA_PATH})` },
      write: { type: "boolean", help: `save it to PATH (default: ${REGISTRY_SCHEMA_PATH})` },
    },
    run: schemaCommand,
  }),
];

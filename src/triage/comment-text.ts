// The bot comment: what was decided, why, what happens next and how to contest it. Pure.
import { mention, pipesEscaped, plainText } from "../markup/inert.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { displayName } from "./coverage.js";
import { COMMENT_MARKER, encodeState } from "./state.js";
import { formatMinutes } from "./time.js";
import { jobLines } from "./job.js";
import { promiseLine } from "./promise-text.js";
import type { RecordedState, TimeLog, TriagePlan } from "./types.js";
import { SEVERITY_MEANING, SIZE_MEANING } from "../registry/vocabulary.js";
import { jobMinutes, timeTotals } from "./time-log.js";

const NEXT_STEPS: Record<string, string> = {
  S0: "This is treated as an emergency: it goes to the top of the sysadmin pipe and is handled before anything else.",
  S1: "It goes into the sysadmin pipe ahead of S2 and S3 requests; a developer on sysadmin duty picks it up as soon as they can.",
  S2: "It goes into the sysadmin pipe and is picked up after the S0 and S1 requests.",
  S3: "It goes into the sysadmin pipe as planned work. To be honest: S3 requests can wait weeks, behind anything more urgent. That is expected, not forgotten.",
};

function bullet(lines: string[]): string {
  return lines.map((line) => `- ${line}`).join("\n");
}

/** An instance's name as Markdown: registry values are outside text. */
const nameOf = (code: string, registry: Registry) =>
  plainText(displayName(code, instanceOf(registry, code)), 100);

function summary(plan: TriagePlan, registry: Registry): string {
  const names = plan.instances.map(
    (code) => `${nameOf(code, registry)} (${instanceOf(registry, code)?.tier ?? "unknown"} tier)`,
  );
  const rows = [
    ["Instance", names.length ? names.join(", ") : "not known yet"],
    ["Category", plan.category ?? "not known yet"],
    ["Severity", `${plan.severity}: ${SEVERITY_MEANING[plan.severity]}`],
  ];
  if (plan.category) rows.push(["Size", `${plan.size}: ${SIZE_MEANING[plan.size]}`]);
  return ["| | |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${pipesEscaped(v!)} |`)].join(
    "\n",
  );
}

const CONTEST =
  "**Not right?** Edit the issue (the bot reads it again), change a label, or write a command in a comment such as `/severity S2` or `/instance fr` (`/help` lists them and who may use each). A person's label or command always wins over the bot's guess, and the bot will not change it back.";

export interface CommentOptions {
  /** A sentence about the board (a failure people must know about). */
  boardNote?: string;
  /** The team to mention for an accepted S0 (`org/team`). */
  s0Team?: string | null;
  /** The app's time (ms since 1970): whether a promise is overdue yet. */
  now?: number;
}

function accepted(plan: TriagePlan): string {
  const rejected = plan.verdicts.filter((v) => !v.covered);
  const lines = [
    `### ✅ Accepted into the sysadmin pipe`,
    "",
    `**Why:**`,
    bullet(plan.reasons),
    "",
  ];
  if (rejected.length) {
    lines.push(
      `**Only part of this is covered.** The part for ${rejected.map((v) => v.display).join(", ")} is not: it can go on the jobs board, where a developer may pick it up and invoice that instance directly.`,
      "",
    );
  }
  lines.push(`**What happens next:** ${NEXT_STEPS[plan.severity]}`);
  return lines.join("\n");
}

function jobsBoard(plan: TriagePlan, registry: Registry, state: RecordedState): string {
  const names = plan.instances.map((c) => nameOf(c, registry)).join(", ");
  return [
    `### 💼 On the jobs board`,
    "",
    `The instance's support tier does not cover this request, so it was put on the **jobs board**. A developer may pick it up and invoice ${names || "the instance"} directly for the work.`,
    "",
    `**Why it is not in the pipe:**`,
    bullet(plan.reasons),
    "",
    ...jobLines(
      plan.job,
      names || "the instance",
      plan.instances,
      plan.job ? jobMinutes(plan.job, state) : 0,
    ),
    "",
    "Jobs-board work is paid extra work: its time is kept apart and never counted against the core team's hours.",
  ].join("\n");
}

function timeLogged(time: TimeLog | undefined): string | undefined {
  if (!time || (!time.pipe && !time.jobs)) return undefined;
  const parts: string[] = [];
  if (time.pipe) parts.push(`${formatMinutes(time.pipe)} of sysadmin-pipe time`);
  if (time.jobs)
    parts.push(
      `${formatMinutes(time.jobs)} of jobs-board time (paid extra work, not counted against the pipe)`,
    );
  return `**Time logged:** ${parts.join("; ")}.`;
}

function rejected(plan: TriagePlan): string {
  const instead = new Set(plan.verdicts.flatMap((v) => v.instead));
  const options: string[] = [];
  if (instead.has("job-board")) {
    options.push(
      "Put it on the **jobs board**: an instance manager (or a maintainer) writes `/job-board` in a comment, and a developer may pick it up as paid work and invoice the instance directly. Jobs-board work never counts against the core team's hours.",
    );
  }
  if (instead.has("tier-review")) {
    options.push(
      "Ask the **instance-managers circle for a tier review**: tiers are changed by a pull request to `config/instances.yml`.",
    );
  }
  return [
    `### 🚫 Not covered by the instance's support tier`,
    "",
    `**Why:**`,
    bullet(plan.reasons),
    "",
    `This is not a judgement on the request; it is the support agreement the community made, so the sysadmin work stays fair and sustainable.`,
    "",
    options.length ? `**What you can do instead:**\n${bullet(options)}` : "",
  ].join("\n");
}

function needsInfo(plan: TriagePlan, registry: Registry): string {
  const asks: string[] = [];
  if (plan.missing.includes("instance")) {
    const codes = Object.keys(registry.instances)
      .slice(0, 6)
      .map((c) => `\`${c}\``);
    asks.push(
      `**Which instance is this about?** Name it in the issue (its code such as ${codes.join(", ")}…, its host name, or its country).`,
    );
  }
  if (plan.missing.includes("category")) {
    asks.push(
      "**What kind of request is it?** For example: the site is down, emails, DNS, an SSL certificate, a server upgrade or migration, backups, an integration (Zapier, n8n, Metabase).",
    );
  }
  return [
    `### 🔎 A bit more information is needed`,
    "",
    `Before this can be judged against the instance's support tier, the bot needs to know:`,
    bullet(asks),
    ...plan.reasons.map((r) => `\n${r}`),
    "",
    `Edit the issue (or use the **Sysadmin request** form) and the bot will read it again. It does not guess: a wrong guess would be worse than asking.`,
    plan.severity === "S0"
      ? `\n**If production is down right now**, say which instance in the title so the request can be handled as an emergency.`
      : "",
  ].join("\n");
}

function held(plan: TriagePlan): string {
  return [
    `### ⏸️ Waiting for a person`,
    "",
    bullet(plan.reasons),
    "",
    "Nothing is rejected while the registry cannot be trusted; this request stays open for a maintainer.",
  ].join("\n");
}

function notPipe(plan: TriagePlan): string {
  return [
    `### ℹ️ Not a sysadmin-pipe request`,
    "",
    plan.reasons.join(" "),
    "",
    "No action is needed from the sysadmin pipe.",
  ].join("\n");
}

/**
 * Whether the plan is worth a new comment. ofn-install's own issues get none (it would be noise
 * on every installer issue), and neither does an issue the bot is unsure about: a wrong word there
 * costs more than silence, so it only labels it for a person.
 */
export function wantsComment(plan: TriagePlan): boolean {
  return plan.outcome !== "not-pipe" && plan.outcome !== "undecided";
}

/** One line, for an issue that already has the bot's comment and is now left to a person. */
function undecided(plan: TriagePlan): string {
  return [`### ⏸️ Left to a person`, "", bullet(plan.reasons)].join("\n");
}

/** The full comment body, with the marker and the hidden state. */
export function renderComment(
  plan: TriagePlan,
  state: RecordedState,
  registry: Registry,
  options: CommentOptions = {},
): string {
  const { boardNote, s0Team } = options;
  const now = new Date(options.now ?? Date.now());
  const body = plan.held
    ? held(plan)
    : plan.outcome === "undecided"
      ? undecided(plan)
      : plan.jobBoard
        ? jobsBoard(plan, registry, state)
        : plan.outcome === "accepted"
          ? accepted(plan)
          : plan.outcome === "rejected"
            ? rejected(plan)
            : plan.outcome === "needs-info"
              ? needsInfo(plan, registry)
              : notPipe(plan);
  const sections = [COMMENT_MARKER, body];
  if (s0Team && plan.outcome === "accepted" && plan.severity === "S0") {
    sections.push("", `${mention(s0Team)}: this is an S0 emergency.`);
  }
  const promise = plan.outcome === "accepted" ? promiseLine(state.response, now) : undefined;
  if (promise) sections.push("", promise);
  const time = timeLogged(timeTotals(state));
  if (time) sections.push("", time);
  if (state.board?.archived && plan.outcome !== "accepted" && !plan.jobBoard) {
    sections.push(
      "",
      "This request is no longer in the sysadmin pipe, so its card was taken off the board (archived).",
    );
  }
  if (boardNote) sections.push("", `⚠️ ${boardNote}`);
  if (plan.kind === "instance" && plan.outcome !== "undecided") {
    sections.push("", summary(plan, registry), "", CONTEST);
  }
  sections.push(
    "",
    "<sub>Decided by sysadmin-pipe from the tier registry (`config/instances.yml`) and what each tier covers (`config/tiers.yml`).</sub>",
  );
  sections.push(encodeState(state));
  return sections.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

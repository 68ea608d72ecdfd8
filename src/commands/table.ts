// Every slash command, declared once: how it is written, what it does, who may use it, how its
// arguments are read and what it changes. Parsing, permissions, replies, `/help` and the command
// table of docs/sysadmin-duty.md all come from here: a new command is one entry (and its apply
// function).
import { codeSpan, mention } from "../markup/inert.js";
import type { LabelNames } from "../registry/policy.js";
import { CATEGORIES, SEVERITIES, SIZES } from "../registry/vocabulary.js";
import { categoryLabel, instanceLabel, severityLabel, sizeLabel } from "../triage/label-names.js";
import { agreedFor, estimated, priceText, reachesEstimate } from "../triage/job.js";
import { jobMinutes } from "../triage/time-log.js";
import { formatMinutes } from "../triage/time.js";
import { MAX_TIME_ENTRIES } from "../triage/state.js";
import { minutesBy, withEntry } from "../triage/time-log.js";
import { parseEstimate, parseSpent, type EstimateCommand } from "./time-words.js";
import type { Job } from "../triage/types.js";
import { ok, setDimension, type CommandContext, type Draft, type Step } from "./draft.js";
import { instanceOf } from "../registry/schema.js";

export interface CommandSpec<C extends { name: string } = { name: string }> {
  name: C["name"];
  /** How it is written, for replies, `/help` and docs/sysadmin-duty.md. */
  usage: string;
  /** What it does, in a few words. */
  does: string;
  /** Who may use it besides maintainers (who may use all): an instance's managers, for their
   * own instance; the issue's author while the bot asks about it; members of the jobs-board
   * developers' team; the developer who took the request's job; or anyone. */
  also: readonly ("manager" | "author" | "developer" | "taker")[] | "anyone";
  /** When set, ONLY these may use it, maintainers included only if they are one of them: the
   * circle's members (a tier decision), the instance's managers (agreeing to pay). */
  only?: readonly ("circle" | "manager")[];
  /** Valid on tier applications and reviews, which are the circle's to decide; the triage and
   * jobs-board commands are not. Unset: only commands anyone may use, such as `/help`. */
  tierIssues?: boolean;
  /** The text after the command word, read: the command, or what is wrong with it. */
  parse(rest: string): C | string;
  /** Change the draft; a message when it cannot be done. */
  apply(command: C, draft: Draft, ctx: CommandContext): Step;
  /** How a reply names it (default `/name`). */
  describe?(command: C): string;
  /** The instances it is about, for a manager's right (default: the issue's). */
  touches?(command: C): string[];
}

const define = <C extends { name: string }>(spec: CommandSpec<C>) => spec;

const words = (rest: string) => rest.split(/[\s,]+/).filter(Boolean);

function oneOf<T extends string>(rest: string, values: readonly T[], what: string): T | string {
  const args = words(rest);
  const value = values.find((v) => v.toLowerCase() === args[0]?.toLowerCase());
  return args.length === 1 && value ? value : `${what} must be one of ${values.join(", ")}`;
}

/** A command's refusal, with what would make it possible. */
const refuse = (message: string): Step => ({ ok: false, message });

/** A command that takes no arguments. */
function bare<N extends string>(name: N, usage: string) {
  return (rest: string): { name: N } | string =>
    words(rest).length ? `${usage} takes no arguments` : { name };
}

/** A command that sets one dimension (severity, size, category) to one of its values. */
function dimension<N extends "severity" | "size" | "category", T extends string>(spec: {
  name: N;
  values: readonly T[];
  label: (names: LabelNames, value: T) => string;
  usage: string;
  does: string;
  also: CommandSpec["also"];
}) {
  return define<{ name: N; value: T }>({
    name: spec.name,
    usage: spec.usage,
    does: spec.does,
    also: spec.also,
    parse: (rest) => {
      const value = oneOf(rest, spec.values, `the ${spec.name}`);
      return (spec.values as readonly string[]).includes(value)
        ? { name: spec.name, value: value as T }
        : value;
    },
    apply: (c, draft, { policy }) => {
      (draft.commanded.overrides as Record<N, T>)[spec.name] = c.value;
      setDimension(draft, spec.name, [spec.label(policy.labels, c.value)], policy);
      return ok;
    },
    describe: (c) => `/${spec.name} ${c.value}`,
  });
}

const severity = dimension({
  name: "severity",
  values: SEVERITIES,
  label: severityLabel,
  usage: "`/severity S0|S1|S2|S3`",
  does: "set the severity",
  also: ["manager"],
});

const size = dimension({
  name: "size",
  values: SIZES,
  label: sizeLabel,
  usage: "`/size XS|S|M|L`",
  does: "set the size",
  also: ["manager"],
});

const category = dimension({
  name: "category",
  values: CATEGORIES,
  label: categoryLabel,
  usage: "`/category <name>`",
  does: "set the category",
  also: ["manager", "author"],
});

const instance = define({
  name: "instance",
  usage: "`/instance <code> [<code>...]`",
  does: "say which instance(s) it is about",
  also: ["manager", "author"],
  parse: (rest) => {
    const codes = [...new Set(words(rest).map((a) => a.toLowerCase()))];
    return codes.length ? { name: "instance" as const, codes } : "name at least one instance code";
  },
  apply: (c, draft, { policy, registry }) => {
    const unknown = c.codes.filter((code) => !instanceOf(registry, code));
    if (unknown.length) {
      const known = Object.keys(registry.instances).join(", ");
      return {
        ok: false,
        message: `the registry has no instance ${unknown.map((u) => codeSpan(u, 40)).join(", ")}; known codes: ${known}`,
      };
    }
    const codes = [...c.codes].sort();
    draft.commanded.overrides.instances = codes;
    const labels = codes.map((code) => instanceLabel(policy.labels, code));
    setDimension(draft, "instance", labels, policy);
    draft.scope = { ...draft.scope, instances: codes };
    return ok;
  },
  describe: (c) => `/instance ${c.codes.join(" ")}`,
  touches: (c) => c.codes,
});

const accept = define({
  name: "accept",
  usage: "`/accept`",
  does: "take it into the pipe, whatever the tier says",
  also: [],
  parse: bare("accept", "`/accept`"),
  apply: (_c, draft, { actor }) => {
    const taken = jobInHand(draft);
    if (taken) return taken;
    draft.commanded.decision = { outcome: "accepted", by: actor.login };
    delete draft.commanded.jobBoard;
    draft.scope = { ...draft.scope, outcome: "accepted" };
    return ok;
  },
});

const reject = define({
  name: "reject",
  usage: "`/reject <reason>`",
  does: "reject it, with the reason",
  also: [],
  parse: (rest) =>
    rest.trim()
      ? { name: "reject" as const, reason: rest.trim().slice(0, 500) }
      : "say why, after `/reject`",
  apply: (c, draft, { actor }) => {
    draft.commanded.decision = { outcome: "rejected", by: actor.login, reason: c.reason };
    draft.scope = { ...draft.scope, outcome: "rejected" };
    return ok;
  },
});

// Tier decisions: the instance-managers circle approves or declines a tier application or a
// tier review; the app then opens the registry pull request, or closes the issue kindly.

const TIERS_APPROVED = ["basic", "full"] as const;

const notTierIssue = (usage: string): Step => ({
  ok: false,
  message: `${usage} is for tier applications and tier reviews only`,
});

const approveTier = define({
  name: "approve-tier",
  usage: "`/approve-tier basic|full`",
  does: "approve a tier application or review: the app opens the registry pull request",
  also: [],
  only: ["circle"],
  tierIssues: true,
  parse: (rest): { name: "approve-tier"; tier: (typeof TIERS_APPROVED)[number] } | string => {
    const tier = oneOf(rest, TIERS_APPROVED, "the tier");
    return tier === "basic" || tier === "full" ? { name: "approve-tier", tier } : tier;
  },
  apply: (c, draft, { actor, previous, now, comment, writtenOn }) => {
    const scope = draft.scope.tier;
    if (!scope) return notTierIssue("`/approve-tier`");
    const pull = previous?.application?.pull;
    if (pull && draft.commanded.tier?.outcome === "approved")
      return refuse(
        `it is already approved: change pull request ${pull.repo}#${pull.number} instead`,
      );
    const missing = scope.missing[c.tier];
    if (missing.length)
      return refuse(`it lacks what the ${c.tier} tier needs: ${missing.join("; ")}`);
    // An approval is of what the approver saw: an issue edited since is read again first.
    if (scope.edited)
      return refuse(
        `the ${scope.kind} was edited after your comment (${scope.edited}): read it again, then approve again`,
      );
    if (scope.unseen)
      return refuse(
        `your comment was not answered when you wrote it, so the app cannot tell whether the ${scope.kind} changed since: read it again, then approve again`,
      );
    if (!scope.binding) return refuse(`the ${scope.kind} does not name an instance`);
    // The comment's own day: a retry of the same approval records the same decision.
    const on = writtenOn ?? (now ?? new Date().toISOString()).slice(0, 10);
    const approved = { ...scope.binding, ...(comment ? { comment } : {}), on };
    draft.commanded.tier = { outcome: "approved", tier: c.tier, by: actor.login, approved };
    return ok;
  },
  describe: (c) => `/approve-tier ${c.tier}`,
});

const declineTier = define({
  name: "decline-tier",
  usage: "`/decline-tier <reason>`",
  does: "decline a tier application or review, with the reason; the app closes it",
  also: [],
  only: ["circle"],
  tierIssues: true,
  parse: (rest) =>
    rest.trim()
      ? { name: "decline-tier" as const, reason: rest.trim().slice(0, 500) }
      : "say why, after `/decline-tier`: the reason is what the applicant reads",
  apply: (c, draft, { actor }) => {
    if (!draft.scope.tier) return notTierIssue("`/decline-tier`");
    draft.commanded.tier = { outcome: "declined", by: actor.login, reason: c.reason };
    return ok;
  },
});

const jobBoard = define({
  name: "job-board",
  usage: "`/job-board`",
  does: "put a request its tier does not cover on the paid jobs board",
  also: ["manager"],
  parse: bare("job-board", "`/job-board`"),
  apply: (_c, draft, { actor }) => {
    if (draft.scope.outcome !== "rejected") {
      return {
        ok: false,
        message: "only a request its tier does not cover can go on the jobs board",
      };
    }
    draft.commanded.jobBoard = { by: actor.login };
    return ok;
  },
});

const noJobBoard = define({
  name: "no-job-board",
  usage: "`/no-job-board`",
  does: "take a request off the paid jobs board (it stays not covered)",
  also: ["manager"],
  parse: bare("no-job-board", "`/no-job-board`"),
  apply: (_c, draft) => {
    if (!draft.commanded.jobBoard) return { ok: false, message: "it is not on the jobs board" };
    const taken = jobInHand(draft);
    if (taken) return taken;
    delete draft.commanded.jobBoard;
    return ok;
  },
});

// The jobs board's jobs: a developer takes one, estimates it, the instance agrees, the developer
// logs time and delivers. Each step is recorded in the request's `job`.

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Who did a job's step, and when (the handler always knows when). */
const stepBy = (login: string, now: string | undefined) => ({
  by: login,
  ...(now ? { at: now } : {}),
});

const onJobsBoard = (draft: Draft) =>
  draft.commanded.jobBoard !== undefined && draft.scope.outcome === "rejected";

/** The job being worked on, or why there is none to act on. */
function openJob(draft: Draft): Job | string {
  const job = onJobsBoard(draft) ? draft.commanded.job : undefined;
  if (!job) return "nobody has taken this job: a developer takes it with `/take` first";
  return job.done ? "the job is already done" : job;
}

/** A job a developer is working on holds its request on the jobs board until they give it back. */
function jobInHand(draft: Draft): Step | undefined {
  const job = onJobsBoard(draft) ? draft.commanded.job : undefined;
  if (!job || job.done) return undefined;
  return refuse(
    `${mention(job.taker)} has taken this job: \`/release\` it first (in the same comment is fine)`,
  );
}

const take = define({
  name: "take",
  usage: "`/take`",
  does: "take a job from the jobs board: you are assigned and its card goes to In progress",
  also: ["developer"],
  parse: bare("take", "`/take`"),
  apply: (_c, draft, { actor }) => {
    if (!onJobsBoard(draft))
      return refuse(
        "only a request on the jobs board can be taken (an instance manager puts it there with `/job-board`)",
      );
    const job = draft.commanded.job;
    if (job?.done) return refuse("the job is already done");
    if (job && !sameLogin(job.taker, actor.login))
      return refuse(
        `${mention(job.taker)} has taken it; they (or a maintainer) can \`/release\` it`,
      );
    // Jobs-board time older records logged before it was taken is not this developer's.
    const legacy = draft.logged.time?.jobs;
    const before = legacy ? { from: legacy } : {};
    draft.commanded.job = job ?? { taker: actor.login, ...before };
    draft.scope = { ...draft.scope, taker: actor.login };
    return ok;
  },
});

const release = define({
  name: "release",
  usage: "`/release`",
  does: "give a taken job back to the jobs board (its estimate and agreement go with it)",
  also: ["taker"],
  parse: bare("release", "`/release`"),
  apply: (_c, draft) => {
    const job = openJob(draft);
    if (typeof job === "string") return refuse(job);
    delete draft.commanded.job;
    draft.scope = { ...draft.scope, taker: undefined };
    return ok;
  },
});

/** Whether an estimate changes what was stated: then it must be agreed again. */
const changes = (job: Job, c: EstimateCommand) =>
  (c.minutes !== undefined && c.minutes !== job.estimate) ||
  (c.price !== undefined && JSON.stringify(c.price) !== JSON.stringify(job.price));

const estimate = define({
  name: "estimate",
  usage: "`/estimate <duration> at <rate> <currency>/h` or `/estimate <price> <currency> fixed`",
  does: "estimate a taken job and its price, such as `6h at 45 EUR/h` or `250 EUR fixed` (`/estimate 8h` keeps the price; a change must be agreed again)",
  also: ["taker"],
  parse: parseEstimate,
  apply: (c, draft) => {
    const job = openJob(draft);
    if (typeof job === "string") return refuse(job);
    if (changes(job, c)) delete job.agreed;
    if (c.minutes !== undefined) job.estimate = c.minutes;
    if (c.price) job.price = c.price;
    return ok;
  },
  describe: (c) =>
    `/estimate ${[c.minutes !== undefined ? formatMinutes(c.minutes) : "", c.price ? priceText(c.price) : ""].filter(Boolean).join(", ")}`,
});

const agree = define({
  name: "agree",
  usage: "`/agree`",
  does: "agree, for the instance, to pay for a job as estimated, at its price",
  also: [],
  only: ["manager"],
  parse: bare("agree", "`/agree`"),
  apply: (_c, draft, { actor, now }) => {
    const job = onJobsBoard(draft) ? draft.commanded.job : undefined;
    if (!job) return refuse("nobody has taken this job yet, so there is no estimate to agree to");
    if (!estimated(job))
      return refuse(
        `there is no estimate to agree to yet: ${mention(job.taker)} gives one with \`/estimate 6h at 45 EUR/h\``,
      );
    // Agreed for the instances the request names: they are the ones invoiced.
    if (!agreedFor(job, draft.scope.instances))
      job.agreed = { ...stepBy(actor.login, now), instances: [...draft.scope.instances] };
    return ok;
  },
});

const done = define({
  name: "done",
  usage: "`/done`",
  does: "mark a taken job delivered: the issue is closed (a fixed price is invoiced this month)",
  also: ["taker"],
  parse: bare("done", "`/done`"),
  apply: (_c, draft, { actor, now }) => {
    const job = openJob(draft);
    if (typeof job === "string") return refuse(job);
    job.done = stepBy(actor.login, now);
    return ok;
  },
});

const spent = define({
  name: "spent",
  usage: "`/spent <duration>` (such as `45m`, `1h30m`, `2h` or `-30m`)",
  does: "log time spent, dated with the comment (jobs-board time is kept apart); `-30m` takes back some of your own (editing or deleting the comment changes nothing logged)",
  also: ["taker"],
  parse: parseSpent,
  apply: (c, draft, { policy, actor, now, comment }) => {
    const max = policy.commands.max_spent_hours * 60;
    if (Math.abs(c.minutes) > max) {
      return refuse(
        `one \`/spent\` can log at most ${formatMinutes(max)}; log longer work in parts, one per day worked`,
      );
    }
    const bucket = draft.commanded.jobBoard && draft.scope.outcome === "rejected" ? "jobs" : "pipe";
    const own = minutesBy(draft.logged, actor.login, bucket);
    if (own + c.minutes < 0)
      return refuse(
        `you have logged ${formatMinutes(own)} of ${bucket === "jobs" ? "jobs-board" : "sysadmin-pipe"} time here, and a correction takes back only your own`,
      );
    if (draft.logged.entries.length >= MAX_TIME_ENTRIES)
      return refuse(
        `this issue has ${MAX_TIME_ENTRIES} time entries, as many as it can keep: log further work on a follow-up issue`,
      );
    const entry = {
      by: actor.login,
      at: now ?? new Date().toISOString(),
      minutes: c.minutes,
      bucket,
      ...(comment ? { comment } : {}),
    } as const;
    draft.logged.entries = withEntry(draft.logged.entries, entry);
    const job = draft.commanded.job;
    // The managers are told once when the agreed hours are reached (see job.ts).
    if (bucket === "jobs" && job && reachesEstimate(job, jobMinutes(job, draft.logged)))
      job.agreed = { ...job.agreed!, reached: true };
    return ok;
  },
  describe: (c) => `/spent ${c.minutes < 0 ? "-" : ""}${formatMinutes(Math.abs(c.minutes))}`,
});

const retriage = define({
  name: "retriage",
  usage: "`/retriage`",
  does: "read the issue and the registry again and decide anew",
  also: [],
  parse: bare("retriage", "`/retriage`"),
  apply: () => ok,
});

const ack = define({
  name: "ack",
  usage: "`/ack`",
  does: "acknowledge the request: a first response, which stops its response promise's clock and reminders (any comment by someone other than the requester does too)",
  also: "anyone",
  tierIssues: false, // a tier application carries no response promise
  parse: bare("ack", "`/ack`"),
  apply: (_c, draft, { actor, previous }) => {
    if (!previous?.response) return refuse("no response promise runs on this issue");
    if (draft.scope.author?.toLowerCase() === actor.login.toLowerCase())
      return refuse(
        "the promise is made to you, the requester: the first response must come from someone else",
      );
    return ok;
  },
});

const help = define({
  name: "help",
  usage: "`/help`",
  does: "show this list",
  also: "anyone",
  parse: bare("help", "`/help`"),
  apply: () => ok,
});

/** The commands, in the order `/help` lists them. */
export const COMMANDS = [
  severity,
  size,
  instance,
  category,
  accept,
  reject,
  approveTier,
  declineTier,
  jobBoard,
  noJobBoard,
  take,
  release,
  estimate,
  agree,
  done,
  spent,
  retriage,
  ack,
  help,
] as const;

/** A command as read from a comment. */
export type Command = (typeof COMMANDS)[number] extends infer S
  ? S extends CommandSpec<infer C>
    ? C
    : never
  : never;
export type CommandName = Command["name"];

/** The commands as plain declarations: names, usage, who may use them. */
export const DECLARED: readonly CommandSpec[] = COMMANDS as unknown as readonly CommandSpec[];

/** The declaration of a command by its name. */
export function commandSpec(name: string): CommandSpec | undefined {
  return DECLARED.find((c) => c.name === name);
}

/** Dispatch to a parsed command's own declaration (the one place its type is widened). */
export function specOf(command: Command): CommandSpec<Command> {
  return commandSpec(command.name) as unknown as CommandSpec<Command>;
}

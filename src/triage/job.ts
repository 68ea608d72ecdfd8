// A jobs-board job as it moves: taken, estimated, agreed, done. Where its card goes, what the bot
// comment says about it, and what must change on the issue itself. Pure.
import { mention, plainText } from "../markup/inert.js";
import { formatMoney } from "../registry/money.js";
import type { Column } from "../registry/policy.js";
import { formatMinutes } from "./time.js";
import type { Job, Price } from "./state.js";

export type { Job, Price };

/** The jobs board's column for a job: waiting to be taken, in progress, or delivered. */
export function jobColumn(job: Job | undefined): Column {
  if (job?.done) return "done";
  return job ? "in_progress" : "jobs_board";
}

/** A price as people read it: `45.00 EUR/h` or `250.00 EUR fixed`. */
export function priceText(price: Price): string {
  const money = formatMoney({ minor: price.minor, currency: price.currency });
  return price.per === "hour" ? `${money}/h` : `${money} fixed`;
}

/** Whether the job has something to agree to: an estimate of hours or a fixed price. */
export const estimated = (job: Job): boolean =>
  job.estimate !== undefined || job.price?.per === "job";

/** A job's logged hours reached its agreed estimate now (told once per agreement). */
export const reachesEstimate = (job: Job, logged: number): boolean =>
  !!job.agreed && !job.agreed.reached && job.estimate !== undefined && logged >= job.estimate;

/** Whether the job's agreement covers these instances (the ones the request names now). */
export function agreedFor(job: Job, instances: readonly string[]): boolean {
  const agreed = job.agreed?.instances;
  if (!job.agreed) return false;
  if (!agreed) return true; // recorded before agreements named their instances
  return agreed.length === instances.length && agreed.every((c) => instances.includes(c));
}

const day = (at: string | undefined) => (at ? ` on ${at.slice(0, 10)}` : "");

/** What the bot comment says about the job, for the instance (by name, as Markdown) and the
 * developers. */
export function jobLines(
  job: Job | undefined,
  instance: string,
  instances: readonly string[] = [],
  logged = 0,
): string[] {
  if (!job) {
    return [
      "**To take it:** a developer of the jobs-board team writes `/take`, then gives an estimate and a price with `/estimate 6h at 45 EUR/h` (or `/estimate 250 EUR fixed`); work starts once a manager of the instance agrees to both with `/agree`.",
    ];
  }
  const estimate =
    job.estimate !== undefined ? `, estimate **${formatMinutes(job.estimate)}**` : "";
  const price = job.price ? ` at **${priceText(job.price)}**` : "";
  const noPrice =
    estimated(job) && !job.price
      ? " No price was stated, so no amount is invoiced for it: state one with `/estimate 6h at 45 EUR/h`."
      : "";
  const taken = `**Taken by** ${mention(job.taker)}${estimate}${price}.${noPrice}`;
  const progress =
    job.agreed && job.estimate !== undefined
      ? ` ${formatMinutes(logged)} of the agreed ${formatMinutes(job.estimate)} logged${logged >= job.estimate ? ": more hours need a new estimate and a new `/agree`" : ""}.`
      : "";
  if (job.done) {
    const agreed = job.agreed
      ? `agreed by ${mention(job.agreed.by)}`
      : "never agreed, so nothing is invoiced";
    const when =
      job.price?.per === "job"
        ? "The fixed price is invoiced in the month it was done in."
        : "Its agreed hours are invoiced in the months they were logged.";
    return [
      `${taken} ✔️ **Done**${day(job.done.at)} (by ${mention(job.done.by)}; the estimate was ${agreed}). ${when}`,
    ];
  }
  if (job.agreed && !agreedFor(job, instances)) {
    const was = plainText((job.agreed.instances ?? []).join(", ").toUpperCase(), 100);
    return [
      `${taken} ⏳ ${mention(job.agreed.by)} agreed for ${was}, but the request now names ${instance}: a manager of ${instance} agrees with \`/agree\` before work goes on.`,
    ];
  }
  if (job.agreed) {
    return [
      `${taken} Agreed by ${mention(job.agreed.by)}${day(job.agreed.at)} for ${instance}: work can start. Log it with \`/spent\`, and write \`/done\` once it is delivered.${progress}`,
    ];
  }
  const next = !estimated(job)
    ? `${mention(job.taker)} gives an estimate and a price with \`/estimate 6h at 45 EUR/h\`, then a manager of ${instance} agrees to them with \`/agree\`.`
    : `a manager of ${instance} agrees to the estimate${job.price ? " and price" : ""} with \`/agree\`.`;
  return [`${taken} ⏳ The job waits for the instance's agreement before work starts: ${next}`];
}

/** What must change on the issue itself when a job changes hands or is delivered. */
export interface JobWrites {
  /** Assign the developer who took it. */
  assign?: string;
  /** Unassign the developer who gave it back (only them: other assignees are people's). */
  unassign?: string;
  /** Close the issue: the job is delivered. */
  close: boolean;
  /** Tell the instance's managers that the logged hours reached the agreed estimate. */
  reached?: string;
}

/** The note when a job's logged hours reach what was agreed: the managers decide what next. */
export function reachedNote(job: Job, managers: readonly string[], logged: number): string {
  const who = managers.length
    ? managers.map((m) => mention(m)).join(", ")
    : "The instance's managers";
  return [
    `⏱️ ${who}: ${mention(job.taker)} has logged **${formatMinutes(logged)}** on this job, which reaches the **${formatMinutes(job.estimate ?? 0)}** you agreed to${job.price ? ` at ${priceText(job.price)}` : ""}.`,
    "",
    `Hours beyond the agreed estimate are not invoiced. If more work is needed, ${mention(job.taker)} gives a new estimate with \`/estimate\` and a manager agrees to it with \`/agree\`.`,
  ].join("\n");
}

export function jobWrites(
  before: Job | undefined,
  after: Job | undefined,
  reached?: { managers: readonly string[]; logged: number },
): JobWrites {
  const writes: JobWrites = { close: !!after?.done && !before?.done };
  if (after?.agreed?.reached && !before?.agreed?.reached && reached)
    writes.reached = reachedNote(after, reached.managers, reached.logged);
  if (before?.taker !== after?.taker) {
    if (before) writes.unassign = before.taker;
    if (after) writes.assign = after.taker;
  }
  return writes;
}

export const hasJobWrites = (w: JobWrites): boolean =>
  w.close || w.assign !== undefined || w.unassign !== undefined || w.reached !== undefined;

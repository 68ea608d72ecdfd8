// A jobs-board job as it moves: taken, estimated, agreed, done. Where its card goes, what the bot
// comment says about it, and what must change on the issue itself. Pure.
import { mention, plainText } from "../markup/inert.js";
import type { Column } from "../registry/policy.js";
import { formatMinutes } from "./time.js";
import type { Job, TimeLog } from "./types.js";

export type { Job };

/** The jobs board's column for a job: waiting to be taken, in progress, or delivered. */
export function jobColumn(job: Job | undefined): Column {
  if (job?.done) return "done";
  return job ? "in_progress" : "jobs_board";
}

/** The jobs-board minutes this job's developer logged (not those logged before it was taken). */
export function jobMinutes(job: Job, time: TimeLog | undefined): number {
  return Math.max(0, (time?.jobs ?? 0) - (job.from ?? 0));
}

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
): string[] {
  if (!job) {
    return [
      "**To take it:** a developer of the jobs-board team writes `/take`, then gives an estimate with `/estimate 6h`; work starts once a manager of the instance agrees to it with `/agree`.",
    ];
  }
  const estimate =
    job.estimate !== undefined ? `, estimate **${formatMinutes(job.estimate)}**` : "";
  const taken = `**Taken by** ${mention(job.taker)}${estimate}.`;
  if (job.done) {
    const agreed = job.agreed ? `agreed by ${mention(job.agreed.by)}` : "never agreed";
    return [
      `${taken} ✔️ **Done**${day(job.done.at)} (by ${mention(job.done.by)}; the estimate was ${agreed}). It is invoiced in the period it was done in.`,
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
      `${taken} Agreed by ${mention(job.agreed.by)}${day(job.agreed.at)} for ${instance}: work can start. Log it with \`/spent\`, and write \`/done\` once it is delivered.`,
    ];
  }
  const next =
    job.estimate === undefined
      ? `${mention(job.taker)} gives an estimate with \`/estimate 6h\`, then a manager of ${instance} agrees to it with \`/agree\`.`
      : `a manager of ${instance} agrees to the estimate with \`/agree\`.`;
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
}

export function jobWrites(before: Job | undefined, after: Job | undefined): JobWrites {
  const writes: JobWrites = { close: !!after?.done && !before?.done };
  if (before?.taker !== after?.taker) {
    if (before) writes.unassign = before.taker;
    if (after) writes.assign = after.taker;
  }
  return writes;
}

export const hasJobWrites = (w: JobWrites): boolean =>
  w.close || w.assign !== undefined || w.unassign !== undefined;

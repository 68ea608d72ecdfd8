// What a period bills for one job: the rule the invoices follow, in one place. Hourly: the hours
// logged in the period, at the agreed rate, up to the agreed estimate, counted in the order they
// were logged. Fixed: the price, whole, in the period the job was done. Nothing without an
// agreement to a stated price. Pure.
import { forMinutes, type Money } from "../registry/money.js";
import { within, type Span } from "../triage/time-log.js";
import type { Price } from "../triage/job.js";

/** One job, as read from its issue's bot comment: the job and its developer's dated time. */
export interface JobRecord {
  repo: string;
  number: number;
  title: string;
  url: string;
  /** The instances invoiced: those that agreed, or those the request names. */
  instances: string[];
  developer: string;
  estimateMinutes?: number;
  price?: Price;
  agreed?: { by: string; at?: string };
  /** When `/done` was written; a job without it is not delivered. */
  doneAt?: string;
  /** Its developer's jobs-board time, oldest first (negative: a correction). */
  entries: { at: string; minutes: number }[];
}

export interface Bill {
  /** Jobs-board minutes logged in the period (a fixed-price job done in it: all of them). */
  loggedMinutes: number;
  /** Of them, those billed. */
  billedMinutes: number;
  /** What the period bills for the whole job (before it is shared between instances). */
  amount?: Money;
  /** Why less is billed than logged. */
  note?: "not agreed" | "no price" | "over estimate" | "not done";
}

const total = (entries: JobRecord["entries"]) => entries.reduce((sum, e) => sum + e.minutes, 0);

/**
 * The minutes of each entry within the agreed hours: the running total clamped to
 * [0, estimate], entry by entry in date order, so the first hours logged are the ones billed
 * and a correction gives back what it takes away.
 */
export function billedMinutes(entries: JobRecord["entries"], cap: number): number[] {
  const clamp = (minutes: number) => Math.min(Math.max(minutes, 0), cap);
  let running = 0;
  return entries.map((e) => {
    const before = clamp(running);
    running += e.minutes;
    return clamp(running) - before;
  });
}

function fixedBill(r: JobRecord, period: Span): Bill | undefined {
  const price = r.price!;
  if (!r.doneAt || !within(r.doneAt, period)) {
    const logged = total(r.entries.filter((e) => within(e.at, period)));
    return r.entries.some((e) => within(e.at, period))
      ? { loggedMinutes: logged, billedMinutes: 0, note: "not done" }
      : undefined;
  }
  const logged = total(r.entries);
  if (!r.agreed) return { loggedMinutes: logged, billedMinutes: 0, note: "not agreed" };
  return {
    loggedMinutes: logged,
    billedMinutes: logged,
    amount: { minor: price.minor, currency: price.currency },
  };
}

function hourlyBill(r: JobRecord, period: Span): Bill | undefined {
  const inside = r.entries.map((e) => within(e.at, period));
  if (!inside.some(Boolean)) return undefined;
  const logged = total(r.entries.filter((_, i) => inside[i]));
  if (!r.agreed) return { loggedMinutes: logged, billedMinutes: 0, note: "not agreed" };
  const cap = r.estimateMinutes ?? Number.POSITIVE_INFINITY;
  const billed = billedMinutes(r.entries, cap)
    .filter((_, i) => inside[i])
    .reduce((sum, m) => sum + m, 0);
  const note = !r.price ? "no price" : billed < logged ? "over estimate" : undefined;
  return {
    loggedMinutes: logged,
    billedMinutes: billed,
    ...(r.price ? { amount: forMinutes(r.price, billed) } : {}),
    ...(note ? { note } : {}),
  };
}

/** What the period bills for the job; undefined when the job has nothing in the period. */
export function billFor(r: JobRecord, period: Span): Bill | undefined {
  return r.price?.per === "job" ? fixedBill(r, period) : hourlyBill(r, period);
}

// The response promise of an accepted request, as a clock: when it started, when a first human
// response is due (the tier's promise for the severity, in calendar time), who answered and
// when, and which escalation steps have been taken. Pure: the times come in, the clock goes out,
// and the bot comment's state records it.
import type { Policy, TierPolicy } from "../registry/policy.js";
import type { Tier } from "../registry/schema.js";
import type { Severity } from "../registry/vocabulary.js";
import type { ResponseClock } from "./state.js";

export type { ResponseClock };

/** The steps an S0's promise escalates at: half its time gone, and all of it. */
export const ESCALATION_STEPS = ["half", "breach"] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];

const MINUTES = { m: 1, h: 60, d: 24 * 60 } as const;

/** `30m`, `4h`, `1d` as minutes (the schema allows no other form). */
export function promiseMinutes(span: string): number {
  const unit = span.at(-1) as keyof typeof MINUTES;
  return Number(span.slice(0, -1)) * MINUTES[unit];
}

/** The tier's promise for a severity, in minutes; undefined when it promises none. */
export function promiseFor(tier: TierPolicy, severity: Severity): number | undefined {
  const span = tier.respond_within[severity];
  return span ? promiseMinutes(span) : undefined;
}

/** A promise a request is owed: by which tier, and how many minutes. */
export interface Promised {
  tier: Tier;
  minutes: number;
}

/** Of the tiers a request is covered by, the one that promises the quickest response. */
export function strictestPromise(
  tiers: readonly Tier[],
  policy: Policy,
  severity: Severity,
): Promised | undefined {
  let best: Promised | undefined;
  for (const tier of tiers) {
    const minutes = promiseFor(policy.tiers[tier], severity);
    if (minutes !== undefined && (!best || minutes < best.minutes)) best = { tier, minutes };
  }
  return best;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The decision before this one, where the request had no clock: was it accepted, at what
 * severity (when known). */
export interface PreviousDecision {
  accepted: boolean;
  severity?: Severity;
}

/**
 * The clock after a decision: started when the request is accepted with a promise for its
 * severity, started again when a person raises the severity before anyone answered, due later
 * (from the same start) when it is lowered, and kept as it is otherwise; a response already
 * given ends it for good.
 */
export function clockFor(
  previous: ResponseClock | undefined,
  accepted: boolean,
  severity: Severity,
  promised: Promised | undefined,
  now: Date,
  before: PreviousDecision = { accepted: false },
): ResponseClock | undefined {
  if (previous?.respondedAt) return previous;
  if (!accepted || !promised) return undefined; // no longer accepted, or no promise
  // Accepted before it had a clock (before promises existed): only a raise starts one now.
  const raised = before.severity !== undefined && severity < before.severity;
  if (!previous && before.accepted && !raised) return undefined;
  const start = (from: number) => ({
    severity,
    tier: promised.tier,
    startedAt: iso(from),
    dueAt: iso(from + promised.minutes * 60_000),
  });
  if (!previous || severity < previous.severity) return { ...start(now.getTime()), escalated: [] };
  if (severity === previous.severity) return previous;
  // Lowered: the longer promise, counted from when the clock started; steps taken stay taken.
  return { ...start(Date.parse(previous.startedAt)), escalated: previous.escalated };
}

/** Who answered, if it counts: a person, not the requester, not the app, after the clock started
 * (a comment from before a raise to S0 answered the request as it was then). */
export function respond(
  clock: ResponseClock,
  by: string,
  at: Date,
  requester: string | undefined,
  appLogin: string,
): ResponseClock {
  if (clock.respondedAt) return clock;
  const login = by.toLowerCase();
  if (login === appLogin.toLowerCase() || login === requester?.toLowerCase()) return clock;
  if (login.endsWith("[bot]")) return clock;
  if (at.getTime() < Date.parse(clock.startedAt)) return clock;
  return { ...clock, respondedAt: iso(at.getTime()), respondedBy: by };
}

/** When a step falls due: half the promise gone, or all of it. */
export function stepAt(clock: ResponseClock, step: EscalationStep): number {
  const start = Date.parse(clock.startedAt);
  const due = Date.parse(clock.dueAt);
  return step === "half" ? start + (due - start) / 2 : due;
}

/** The escalation steps an unanswered S0 is due for now and has not taken yet, in order. */
export function escalationsDue(clock: ResponseClock | undefined, now: Date): EscalationStep[] {
  if (!clock || clock.respondedAt || clock.severity !== "S0") return [];
  return ESCALATION_STEPS.filter(
    (step) => !clock.escalated.includes(step) && stepAt(clock, step) <= now.getTime(),
  );
}

/** The next time something is due (for a delayed job or a timer); undefined when nothing is. */
export function nextEscalationAt(clock: ResponseClock | undefined): number | undefined {
  if (!clock || clock.respondedAt || clock.severity !== "S0") return undefined;
  const left = ESCALATION_STEPS.filter((step) => !clock.escalated.includes(step));
  return left.length ? stepAt(clock, left[0]!) : undefined;
}

export function withEscalated(clock: ResponseClock, steps: EscalationStep[]): ResponseClock {
  return { ...clock, escalated: [...new Set([...clock.escalated, ...steps])] };
}

export type PromiseOutcome = "met" | "missed" | "open";

/** Met when the first response came by the due time; missed when it came later, or has not come
 * and the time is up. */
export function promiseOutcome(clock: ResponseClock, now: Date): PromiseOutcome {
  const due = Date.parse(clock.dueAt);
  if (clock.respondedAt) return Date.parse(clock.respondedAt) <= due ? "met" : "missed";
  return now.getTime() >= due ? "missed" : "open";
}

/** Minutes from the start to the first response, when there was one. */
export function minutesToResponse(clock: ResponseClock): number | undefined {
  if (!clock.respondedAt) return undefined;
  return Math.round((Date.parse(clock.respondedAt) - Date.parse(clock.startedAt)) / 60_000);
}

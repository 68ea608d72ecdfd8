// The response promise as the bot comment shows it: when a first response is due, or who gave
// it and whether it was in time. Pure.
import { plainText } from "../markup/inert.js";
import { minutesToResponse, promiseOutcome, type ResponseClock } from "./response-clock.js";
import { formatMinutes } from "./time.js";

/** `2026-12-07 10:00 UTC`: a time every reader converts the same way. */
export function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Minutes between two ISO times. */
const minutesBetween = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 60_000);

/** The promised time, as written: `1h`, `1d 4h` (formatMinutes reads days as hours). */
export function promisedSpan(clock: ResponseClock): string {
  const minutes = minutesBetween(clock.startedAt, clock.dueAt);
  const days = Math.floor(minutes / 1440);
  const rest = minutes % 1440;
  return [days ? `${days}d` : "", rest ? formatMinutes(rest) : ""].filter(Boolean).join(" ");
}

/** One line for the bot comment, or undefined when the request carries no promise. */
export function promiseLine(clock: ResponseClock | undefined, now: Date): string | undefined {
  if (!clock) return undefined;
  const tier = clock.tier ? ` (${clock.tier} tier)` : "";
  const promised = `within **${promisedSpan(clock)}**${tier}`;
  if (!clock.respondedAt) {
    const late = promiseOutcome(clock, now) === "missed" ? " — **overdue**" : "";
    return `⏱️ A first response is promised ${promised}: by **${utcTime(clock.dueAt)}**${late}. Any comment by someone other than the requester, an assignment, moving the card on or \`/ack\` counts.`;
  }
  const who = clock.respondedBy ? ` by ${plainText(clock.respondedBy, 40)}` : "";
  const after = formatMinutes(minutesToResponse(clock) ?? 0);
  const verdict =
    promiseOutcome(clock, now) === "met"
      ? "in time"
      : `late by ${formatMinutes(minutesBetween(clock.dueAt, clock.respondedAt))}`;
  return `✅ First response${who} after ${after} (promised ${promised}): ${verdict}.`;
}

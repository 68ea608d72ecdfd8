// What the app says when an S0's promised first response is running out: on the issue (the S0
// team and the escalation team mentioned, so GitHub notifies them) and in the chat. Pure.
import { chatText, isLinkable, mention } from "../../markup/inert.js";
import { promisedSpan, utcTime } from "../../triage/promise-text.js";
import type { EscalationStep, ResponseClock } from "../../triage/response-clock.js";
import { formatMinutes } from "../../triage/time.js";

export interface Escalation {
  note: string;
  chat: string;
}

const HOW_TO_STOP =
  "Answer here, assign someone, move the card on, or comment `/ack`: any of these stops the reminders.";

/** The messages for a step; `teams`: the S0 team and the escalation team, those that are set. */
export function escalationTexts(
  step: EscalationStep,
  clock: ResponseClock,
  context: { teams: readonly string[]; instances: readonly string[]; title: string; url: string },
  now: Date,
): Escalation {
  const who = context.teams.length ? `${context.teams.map(mention).join(" ")}: ` : "";
  const waited = formatMinutes(
    Math.max(0, Math.round((now.getTime() - Date.parse(clock.startedAt)) / 60_000)),
  );
  const promised = `within ${promisedSpan(clock)}${clock.tier ? ` (${clock.tier} tier)` : ""}`;
  const due = utcTime(clock.dueAt);
  const names = context.instances.map((n) => chatText(n, 100)).join(", ") || "an instance";
  const title = chatText(context.title, 200);
  const link = isLinkable(context.url) ? `<${context.url}|${title}>` : title;
  if (step === "half")
    return {
      note: `⏰ ${who}this S0 emergency has had no response for ${waited}. A first response is promised ${promised}, by **${due}**. ${HOW_TO_STOP}`,
      chat: `:alarm_clock: S0 for ${names} still unanswered after ${waited} (a response is promised ${promised}): ${link}`,
    };
  return {
    note: `🚨 ${who}the first response promised for this S0 emergency (${promised}, by **${due}**) is **overdue**: nobody but the requester has answered yet. ${HOW_TO_STOP}`,
    chat: `:rotating_light: Overdue: the response promised ${promised} for the S0 emergency for ${names} has run out: ${link}`,
  };
}

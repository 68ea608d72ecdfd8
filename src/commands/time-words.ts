// How `/spent` and `/estimate` are written: a duration, a correction, a rate or a fixed price.
// Pure: what a person wrote becomes a command, or words saying what is wrong with it.
import { codeSpan } from "../markup/inert.js";
import { parseAmount } from "../registry/money.js";
import type { Price } from "../triage/job.js";
import { parseDuration } from "../triage/time.js";

/** More than this is not one job: a typo, or work to split into several requests. */
export const MAX_ESTIMATE_HOURS = 500;

/** What a person wrote after a command, quoted in a reply. */
export const given = (rest: string) => (rest.trim() ? codeSpan(rest, 40) : "nothing");

export interface SpentCommand {
  name: "spent";
  /** Negative: a correction of the writer's own time. */
  minutes: number;
}

/** `/spent 1h30m` logs time; `/spent -30m` takes back some of one's own. */
export function parseSpent(rest: string): SpentCommand | string {
  const text = rest.trim();
  const sign = text.startsWith("-") ? -1 : 1;
  const minutes = parseDuration(sign < 0 ? text.slice(1) : text);
  if (minutes === undefined)
    return `${given(rest)} is not a duration: write it like \`45m\`, \`1h30m\` or \`2h\` (or \`-30m\` to correct your own time)`;
  if (minutes <= 0) return "a duration must be more than zero";
  return { name: "spent", minutes: sign * minutes };
}

export interface EstimateCommand {
  name: "estimate";
  /** The hours estimated, in minutes (a fixed price may come without). */
  minutes?: number;
  price?: Price;
}

const USAGE = "write it like `6h`, `6h at 45 EUR/h` or `250 EUR fixed`";

/** `at 45 EUR/h` (also `/hour`, `per hour`, `an hour`) or `250 EUR fixed`, at the end. */
const PRICE =
  /(?:^|[\s,])(?:(at)\s+)?(\d[\d.]*)\s*([a-z]{3})\s*(\/\s*h(?:our)?|per\s+hour|an\s+hour|fixed)$/i;

function parsePrice(text: string): { price: Price; before: string } | string | undefined {
  const m = PRICE.exec(text);
  if (!m) return undefined;
  const hourly = !/fixed/i.test(m[4]!);
  if (!hourly && m[1]) return `a fixed price is written without "at": ${USAGE}`;
  const amount = parseAmount(m[2]!, m[3]!);
  if (typeof amount === "string") return amount;
  if (amount.minor <= 0) return "a price must be more than zero";
  const price: Price = { per: hourly ? "hour" : "job", ...amount };
  return {
    price,
    before: text
      .slice(0, m.index)
      .replace(/(?:,|\bfor)\s*$/i, "")
      .trim(),
  };
}

function parseHours(text: string): number | string {
  const minutes = parseDuration(text);
  if (minutes === undefined) return `${given(text)} is not a duration: ${USAGE}`;
  if (minutes <= 0) return "an estimate must be more than zero";
  if (minutes > MAX_ESTIMATE_HOURS * 60)
    return `an estimate is at most ${MAX_ESTIMATE_HOURS}h: split larger work into several requests`;
  return minutes;
}

/**
 * `/estimate 6h` (the price stays as stated), `/estimate 6h at 45 EUR/h` (hours and an hourly
 * rate), `/estimate 250 EUR fixed` or `/estimate 6h, 250 EUR fixed` (a fixed price).
 */
export function parseEstimate(rest: string): EstimateCommand | string {
  const text = rest.trim();
  const priced = parsePrice(text);
  if (typeof priced === "string") return priced;
  const hoursText = priced ? priced.before : text;
  if (priced?.price.per === "job" && !hoursText) return { name: "estimate", price: priced.price };
  if (priced?.price.per === "hour" && !hoursText)
    return `an hourly rate needs the hours it is for: ${USAGE}`;
  const minutes = parseHours(hoursText);
  if (typeof minutes === "string") return minutes;
  return { name: "estimate", minutes, ...(priced ? { price: priced.price } : {}) };
}

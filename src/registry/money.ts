// Money as invoices need it: whole minor units (cents) of one ISO 4217 currency, never floating
// point. Amounts are read from what people write ("45", "45.50"), multiplied by minutes, split
// between instances and summed per currency. Pure.

/** An amount of one currency, in its minor units (cents for EUR; yen for JPY). */
export interface Money {
  minor: number;
  currency: string;
}

/** The currencies this runtime knows from ISO 4217 (active codes only). */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** The largest amount anyone writes for a job or an hour (in major units): a typo, beyond. */
export const MAX_MAJOR = 1_000_000;

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits!;
}

/**
 * "45", "45.5" or "45.50" of a currency: its minor units, or why it is not an amount. Read from
 * the digits themselves (no parseFloat): "0.1" is exactly 10 cents.
 */
export function parseAmount(text: string, currencyText: string): Money | string {
  const currency = currencyText.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !isCurrency(currency))
    return "the currency must be an ISO 4217 code such as EUR, GBP, AUD or USD";
  const digits = minorDigits(currency);
  const m = /^(\d{1,7})(?:\.(\d+))?$/.exec(text);
  if (!m) return "write the amount with digits and at most one decimal point, such as 45 or 45.50";
  const fraction = m[2] ?? "";
  if (fraction.length > digits)
    return digits
      ? `${currency} has ${digits} decimal places: write it like ${(1).toFixed(digits)}`
      : `${currency} has no decimal places`;
  const major = Number(m[1]);
  if (major > MAX_MAJOR) return `an amount is at most ${MAX_MAJOR} ${currency}`;
  const minor = major * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return { minor, currency };
}

/** A configured amount (a YAML number such as 60 or 62.5), checked the same way. */
export function moneyOf(amount: number, currency: string): Money | string {
  if (!Number.isFinite(amount) || amount < 0) return "the amount must be a number, 0 or more";
  // The shortest decimal that reads back as this number: what the person wrote.
  return parseAmount(String(amount), currency);
}

/** `45.00 EUR`, `-3.50 EUR`, `5000 JPY`: written from the minor units, digit by digit. */
export function formatMoney(money: Money): string {
  const digits = minorDigits(money.currency);
  const sign = money.minor < 0 ? "-" : "";
  const abs = String(Math.abs(money.minor)).padStart(digits + 1, "0");
  const major = abs.slice(0, abs.length - digits);
  const minor = digits ? `.${abs.slice(abs.length - digits)}` : "";
  return `${sign}${major}${minor} ${money.currency}`;
}

/** The amount alone, without its currency (for a CSV column): `45.00`. */
export function formatAmount(money: Money): string {
  return formatMoney(money).split(" ")[0]!;
}

/** Integer division rounded half away from zero: the one rounding money uses. */
function divideRounded(numerator: number, denominator: number): number {
  const q = Math.floor(Math.abs(numerator) / denominator);
  const r = Math.abs(numerator) % denominator;
  const rounded = 2 * r >= denominator ? q + 1 : q;
  return numerator < 0 ? -rounded : rounded;
}

/** `money` × `times` / `over` (whole numbers), rounded once to the minor unit. */
export function scaled(money: Money, times: number, over: number): Money {
  if (!Number.isSafeInteger(money.minor * times) || !Number.isInteger(over) || over < 1)
    throw new RangeError("amount out of range");
  return { minor: divideRounded(money.minor * times, over), currency: money.currency };
}

/** What `minutes` cost at `rate` an hour (shared between `parts`), rounded once. */
export const forMinutes = (rate: Money, minutes: number, parts = 1): Money =>
  scaled(rate, minutes, 60 * parts);

/**
 * An amount split into `parts` shares that add up to it exactly: the remainder's minor units go
 * one each to the first shares (so 100.00 in three is 33.34, 33.33, 33.33).
 */
export function split(money: Money, parts: number): Money[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError("parts must be 1 or more");
  const sign = money.minor < 0 ? -1 : 1;
  const whole = Math.floor(Math.abs(money.minor) / parts);
  const rest = Math.abs(money.minor) - whole * parts;
  return Array.from({ length: parts }, (_, i) => ({
    minor: sign * (whole + (i < rest ? 1 : 0)),
    currency: money.currency,
  }));
}

/** Totals per currency, never mixed, in the order of the codes (EUR before GBP). */
export function totalsByCurrency(amounts: readonly Money[]): Money[] {
  const sums = new Map<string, number>();
  for (const a of amounts) sums.set(a.currency, (sums.get(a.currency) ?? 0) + a.minor);
  return [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => ({ minor, currency }));
}

// Money in whole minor units: amounts read digit by digit, ISO 4217 currencies with their own
// decimals, one rounding rule, splits that add up, totals that never mix currencies.
import {
  forMinutes,
  formatMoney,
  moneyOf,
  parseAmount,
  scaled,
  split,
  totalsByCurrency,
} from "../src/registry/money.js";
import { parseEstimate, parseSpent } from "../src/commands/time-words.js";

const eur = (minor: number) => ({ minor, currency: "EUR" });

describe("reading amounts", () => {
  test("an amount is read from its digits, in the currency's minor units", () => {
    expect(parseAmount("45", "EUR")).toEqual(eur(4500));
    expect(parseAmount("45.5", "eur")).toEqual(eur(4550));
    expect(parseAmount("0.10", "EUR")).toEqual(eur(10));
    expect(parseAmount("5000", "JPY")).toEqual({ minor: 5000, currency: "JPY" });
    expect(parseAmount("1.234", "KWD")).toEqual({ minor: 1234, currency: "KWD" });
  });

  test("what is not an amount of an ISO 4217 currency says why", () => {
    expect(parseAmount("45", "EUROS")).toMatch(/ISO 4217/);
    expect(parseAmount("45", "XYZ")).toMatch(/ISO 4217/);
    expect(parseAmount("45.123", "EUR")).toBe("EUR has 2 decimal places: write it like 1.00");
    expect(parseAmount("45.5", "JPY")).toBe("JPY has no decimal places");
    expect(parseAmount("1,200", "EUR")).toMatch(/digits and at most one decimal point/);
    expect(parseAmount("-3", "EUR")).toMatch(/digits/);
    expect(parseAmount("2000000", "EUR")).toMatch(/at most 1000000 EUR/);
  });

  test("a configured cost is checked the same way", () => {
    expect(moneyOf(62.5, "EUR")).toEqual(eur(6250));
    expect(moneyOf(0.1 + 0.2, "EUR")).toMatch(/2 decimal places/);
    expect(moneyOf(-1, "EUR")).toMatch(/0 or more/);
  });
});

describe("arithmetic", () => {
  test("minutes at an hourly rate are rounded once, half away from zero", () => {
    expect(forMinutes(eur(4500), 210)).toEqual(eur(15_750)); // 3h30 at 45.00
    expect(forMinutes(eur(1000), 1)).toEqual(eur(17)); // 16.67 cents
    expect(forMinutes(eur(1), 30)).toEqual(eur(1)); // half a cent rounds up
    expect(forMinutes(eur(1), -30)).toEqual(eur(-1)); // and a credit down
    expect(forMinutes(eur(6000), 90, 2)).toEqual(eur(4500)); // shared between two instances
    expect(scaled(eur(10_000), 12, 7)).toEqual(eur(17_143));
  });

  test("a split adds up to the amount exactly", () => {
    expect(split(eur(10_000), 3)).toEqual([eur(3334), eur(3333), eur(3333)]);
    expect(split(eur(-5), 2)).toEqual([eur(-3), eur(-2)]);
    for (const [minor, parts] of [
      [1, 7],
      [99_999, 4],
      [123_457, 11],
    ] as const) {
      const shares = split(eur(minor), parts);
      expect(shares.reduce((sum, s) => sum + s.minor, 0)).toBe(minor);
      expect(
        Math.max(...shares.map((s) => s.minor)) - Math.min(...shares.map((s) => s.minor)),
      ).toBeLessThanOrEqual(1);
    }
  });

  test("totals are per currency, never mixed", () => {
    expect(totalsByCurrency([eur(100), { minor: 7, currency: "GBP" }, eur(-30)])).toEqual([
      eur(70),
      { minor: 7, currency: "GBP" },
    ]);
  });

  test("amounts are written from their minor units", () => {
    expect(formatMoney(eur(15_750))).toBe("157.50 EUR");
    expect(formatMoney(eur(5))).toBe("0.05 EUR");
    expect(formatMoney(eur(-350))).toBe("-3.50 EUR");
    expect(formatMoney({ minor: 5000, currency: "JPY" })).toBe("5000 JPY");
    expect(formatMoney({ minor: 1234, currency: "KWD" })).toBe("1.234 KWD");
  });
});

describe("how /spent and /estimate are written", () => {
  test("/spent takes a duration, or a correction", () => {
    expect(parseSpent("1h30m")).toEqual({ name: "spent", minutes: 90 });
    expect(parseSpent("-30m")).toEqual({ name: "spent", minutes: -30 });
    expect(parseSpent("- 1h")).toEqual({ name: "spent", minutes: -60 });
    expect(parseSpent("soon")).toMatch(/is not a duration/);
    expect(parseSpent("0m")).toBe("a duration must be more than zero");
  });

  test("/estimate takes hours, hours at a rate, or a fixed price", () => {
    expect(parseEstimate("6h")).toEqual({ name: "estimate", minutes: 360 });
    expect(parseEstimate("6h at 45 EUR/h")).toEqual({
      name: "estimate",
      minutes: 360,
      price: { per: "hour", minor: 4500, currency: "EUR" },
    });
    expect(parseEstimate("1h30m at 62.50 gbp per hour")).toEqual({
      name: "estimate",
      minutes: 90,
      price: { per: "hour", minor: 6250, currency: "GBP" },
    });
    expect(parseEstimate("250 EUR fixed")).toEqual({
      name: "estimate",
      price: { per: "job", minor: 25_000, currency: "EUR" },
    });
    expect(parseEstimate("6h, 250 EUR fixed")).toEqual({
      name: "estimate",
      minutes: 360,
      price: { per: "job", minor: 25_000, currency: "EUR" },
    });
  });

  test("what is not an estimate says how to write one", () => {
    expect(parseEstimate("at 45 EUR/h")).toMatch(/an hourly rate needs the hours/);
    expect(parseEstimate("6h at 45 EUROS/h")).toMatch(/6h at 45 EUR\/h/);
    expect(parseEstimate("6h at 45 XYZ/h")).toMatch(/ISO 4217/);
    expect(parseEstimate("6h at 0 EUR/h")).toBe("a price must be more than zero");
    expect(parseEstimate("6h at 250 EUR fixed")).toMatch(/without "at"/);
    expect(parseEstimate("600h at 45 EUR/h")).toMatch(/at most 500h/);
  });
});

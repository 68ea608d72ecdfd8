// Bad input gets a clear result, never a crash.
import { decide } from "../src/triage/decide.js";
import { shippedConfig } from "./helpers/config.js";

const { registry, policy } = shippedConfig();
const INSTALL = "openfoodfoundation/ofn-install";
const triage = (title: string, body: string) =>
  decide({ repo: INSTALL, title, body, labels: [] }, registry, policy);

const OFN_BUG_TEMPLATE = `## Description

<!-- Please describe the problem -->

## Expected Behavior

## Actual Behaviour

## Steps to Reproduce

1.
2.
3.

## Animated Gif/Screenshot

## Workaround

## Severity

<!-- see https://github.com/openfoodfoundation/openfoodnetwork/wiki -->

## Your Environment

* Version used:
* Browser name and version:
* Operating System and version (desktop or mobile):
`;

describe("bad or odd issue bodies", () => {
  test("an empty body is triaged from the title alone", () => {
    expect(triage("Provision and deploy France's staging with ofn-install", "")).toMatchObject({
      instances: ["fr"],
      category: "provisioning",
    });
  });

  test("a body with only the template asks for information instead of guessing", () => {
    const plan = triage("Problem", OFN_BUG_TEMPLATE);
    expect(plan.kind).toBe("install");
    expect(plan.instances).toEqual([]);
  });

  test("a template that names the instance in its title still works", () => {
    expect(triage("OFN UK Down - S0", OFN_BUG_TEMPLATE)).toMatchObject({
      instances: ["uk"],
      severity: "S0",
      category: "outage",
    });
  });

  test("a 70,000-character body is triaged quickly and the signal at its start still counts", () => {
    const body =
      "Emails from coopcircuits.fr bounce.\n" + "lorem ipsum dolor sit amet ".repeat(2600);
    expect(body.length).toBeGreaterThan(70_000);
    const started = process.hrtime.bigint();
    const plan = triage("Mail problem", body);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(plan).toMatchObject({ instances: ["fr"], category: "email" });
    // Not a benchmark: a generous bound that only a pathological regex would break.
    expect(ms).toBeLessThan(2000);
  });

  test("a body of replacement characters and control bytes (a non-UTF-8 file read as text) does not crash", () => {
    const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)).toString(
      "utf8",
    );
    const plan = triage("\ufffd\ufffd broken text", garbage);
    expect(["install", "other", "instance"]).toContain(plan.kind);
    expect(plan.outcome).not.toBe("accepted");
  });

  test("a single huge line without spaces does not make matching slow", () => {
    const plan = triage("x", "#".repeat(10) + " " + "a".repeat(100_000));
    expect(plan.kind).toBe("install");
  });

  test("odd Unicode (emoji, right-to-left text, zero-width joiners) is handled", () => {
    const plan = triage("🔥 UK ‏IS‎ ON FIRE 🔥", "‍‍ סיסמה 🚒🚒");
    expect(plan.instances).toEqual(["uk"]);
  });
});

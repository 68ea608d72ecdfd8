// The issue form is generated from the registry and read back when triaging.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { FORM_PATH, generateIssueForm } from "../src/form/generate.js";
import { decide } from "../src/triage/decide.js";
import { answerCodes, parseForm } from "../src/triage/form-answers.js";
import { shippedConfig, withTiers } from "./helpers/config.js";

const { registry, policy } = shippedConfig();

interface FormField {
  type: string;
  id?: string;
  attributes: { label?: string; options?: string[]; multiple?: boolean };
}

/** Render answers the way GitHub writes an issue made from a form. */
function renderBody(form: { body: FormField[] }, answers: Record<string, string>): string {
  return form.body
    .filter((f) => f.type !== "markdown")
    .map((f) => `### ${f.attributes.label}\n\n${answers[f.id ?? ""] ?? "_No response_"}`)
    .join("\n\n");
}

describe("the sysadmin request form", () => {
  const form = parse(generateIssueForm(registry, policy)) as {
    body: FormField[];
    labels: string[];
  };
  const dropdown = (id: string) => form.body.find((f) => f.id === id)!;

  test("its instance dropdown lists exactly the registry's instances", () => {
    const codes = dropdown("instance").attributes.options!.map((o) => o.split(" — ")[0]);
    expect(codes).toEqual(Object.keys(registry.instances));
    expect(dropdown("instance").attributes.multiple).toBe(true);
  });

  test("its severity options carry the domain's definitions", () => {
    expect(dropdown("severity").attributes.options?.[0]).toMatch(
      /^S0 — production down or unusable/,
    );
  });

  test("ofn-install's own category is not offered", () => {
    const categories = dropdown("category").attributes.options!.map((o) => o.split(" — ")[0]);
    expect(categories).not.toContain("tooling");
    expect(categories).toContain("website");
  });

  test("the committed form matches the registry (regenerate with `sysadmin-pipe form --write`)", () => {
    const committed = readFileSync(new URL(`../${FORM_PATH}`, import.meta.url), "utf8");
    expect(committed).toBe(generateIssueForm(registry, policy));
  });

  test("a body made with the form is read back field by field", () => {
    const body = renderBody(form, {
      instance: "fr — CoopCircuits (France), be — Open Food Network Belgium",
      category: dropdown("category").attributes.options!.find((o) => o.startsWith("dns"))!,
      severity: dropdown("severity").attributes.options![1]!,
      details: "SPF records are wrong since the move",
    });
    const answers = parseForm(body);
    expect(answerCodes(answers.instance!)).toEqual(["fr", "be"]);
    expect(answers.size).toBeUndefined();
    const plan = decide(
      {
        repo: "openfoodfoundation/ofn-install",
        title: "[Sysadmin] mail domain",
        body,
        labels: ["sysadmin-pipe"],
      },
      withTiers(registry, { fr: { tier: "full" }, be: { tier: "basic" } }),
      policy,
    );
    expect(plan).toMatchObject({
      instances: ["fr", "be"],
      category: "dns",
      severity: "S1",
      outcome: "accepted",
    });
    expect(plan.verdicts.map((v) => v.covered)).toEqual([true, false]);
  });

  test("a free-text body has no form answers", () => {
    expect(parseForm("The UK site is down\n\n## Steps\n1. open it")).toEqual({});
  });
});

// The policy file: shipped defaults load, and mistakes are explained in plain words.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { jsonSchemaText } from "../src/registry/json-schema.js";
import { loadPolicy, loadPolicyFiles } from "../src/registry/policy.js";
import { POLICY_TEXT, SIGNALS_TEXT, TIERS_TEXT, WIRING_TEXT } from "./helpers/config.js";

function firstProblem(text: string) {
  const result = loadPolicy(text, "policy.yml");
  if (result.ok) throw new Error("expected the policy to be refused");
  return result.problems[0];
}

describe("the policy", () => {
  test("the shipped policy loads, with caps off", () => {
    const result = loadPolicy(POLICY_TEXT);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.values(result.value.tiers).map((t) => t.max_size)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(result.value.never_covered).toEqual(["website"]);
    }
  });

  test("a tier that covers an unknown category is refused at that line", () => {
    const text = POLICY_TEXT.replace(
      "covers: [provisioning, deployment]",
      "covers: [provisioning, deploy]",
    );
    const problem = firstProblem(text);
    expect(problem?.message).toBe(
      "tier `basic`, covers: this entry must be one of " +
        "outage, provisioning, deployment, upgrade, migration, dns, email, ssl, backup, monitoring, access, integration, performance, config, website, tooling, other; got `deploy`",
    );
    expect(problem?.line).toBe(text.split("\n").findIndex((l) => l.includes("deploy]")) + 1);
  });

  test("a tier cannot cover a never-covered category", () => {
    const text = POLICY_TEXT.replace(
      "covers: [provisioning, deployment]",
      "covers: [provisioning, website]",
    );
    expect(firstProblem(text)?.message).toMatch(/`website` is listed as never covered/);
  });

  test("a size cap must be a size", () => {
    const text = POLICY_TEXT.replace(
      "  basic:\n    covers",
      "  basic:\n    max_size: XXL\n    covers",
    );
    expect(firstProblem(text)?.message).toBe(
      "tier `basic`: max_size must be one of XS, S, M, L; got `XXL`",
    );
  });

  test("a phrase that would match every issue is refused at its line", () => {
    const text = POLICY_TEXT.replace("      - on fire\n", '      - "*"\n');
    const problem = firstProblem(text);
    expect(problem?.message).toMatch(/must contain a letter or a digit/);
    expect(problem?.line).toBe(text.split("\n").findIndex((l) => l.includes('- "*"')) + 1);
  });
});

describe("the policy in three files, one per audience", () => {
  const files = (tiers = TIERS_TEXT, signals = SIGNALS_TEXT, wiring = WIRING_TEXT) => [
    { path: "config/policy.yml", text: wiring },
    { path: "config/tiers.yml", text: tiers },
    { path: "config/signals.yml", text: signals },
  ];

  test("the shipped files load to the same policy as one file holding them all", () => {
    const split = loadPolicyFiles(files());
    const whole = loadPolicy(POLICY_TEXT);
    expect(split.ok && whole.ok).toBe(true);
    if (split.ok && whole.ok) expect(split.value).toEqual(whole.value);
  });

  test("what the circle edits is short: tiers.yml is under 80 lines, with its JSON Schema", () => {
    expect(TIERS_TEXT.split("\n").length).toBeLessThan(80);
    const schema = JSON.parse(
      readFileSync(new URL("../config/tiers.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parse(TIERS_TEXT))).toBe(true);
    expect(readFileSync(new URL("../config/tiers.schema.json", import.meta.url), "utf8")).toBe(
      jsonSchemaText("tiers"),
    );
    expect(TIERS_TEXT).toContain("yaml-language-server: $schema=./tiers.schema.json");
  });

  test("a mistake in tiers.yml is named in tiers.yml, at its line", () => {
    const tiers = TIERS_TEXT.replace(
      "covers: [provisioning, deployment]",
      "covers: [provisioning, deploy]",
    );
    const result = loadPolicyFiles(files(tiers));
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.problems[0];
    expect(problem).toMatchObject({
      file: "config/tiers.yml",
      message: expect.stringContaining("deploy"),
    });
    const line = tiers.split("\n").findIndex((l) => l.includes("deploy]")) + 1;
    expect(problem?.line).toBe(line);
  });

  test("a section written in the wrong file is refused there", () => {
    const wiring = `${WIRING_TEXT}\nnever_covered: [website]\n`;
    const result = loadPolicyFiles(files(TIERS_TEXT, SIGNALS_TEXT, wiring));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.file)).toContain("config/policy.yml");
  });

  test("a section missing from every file is named, with the file it belongs in", () => {
    const result = loadPolicyFiles(files(TIERS_TEXT.replace(/^size_hours:[\s\S]*$/m, "")));
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      "`size_hours` is missing (it belongs in tiers.yml)",
    ]);
  });
});

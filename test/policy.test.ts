// The policy file: shipped defaults load, and mistakes are explained in plain words.
import { loadPolicy } from "../src/registry/policy.js";
import { POLICY_TEXT } from "./helpers/config.js";

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

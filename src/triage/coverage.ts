// Judging a request against each instance's tier. Pure: registry + policy in, verdicts out.
import { plainText } from "../markup/inert.js";
import type { Policy } from "../registry/policy.js";
import { instanceOf, type Instance, type Registry } from "../registry/schema.js";
import type { Instead, InstanceVerdict } from "./types.js";
import { compareSize, type Category, type Severity, type Size } from "../registry/vocabulary.js";

export interface Request {
  category: Category;
  severity: Severity;
  size: Size;
}

/** How people call an instance in a sentence: its first alias ("UK"), else its name. */
export function displayName(code: string, instance: Instance | undefined): string {
  return instance?.aliases[0] ?? instance?.name ?? code.toUpperCase();
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "nothing";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function judgeInstance(
  code: string,
  request: Request,
  registry: Registry,
  policy: Policy,
): InstanceVerdict {
  const instance = instanceOf(registry, code);
  const display = plainText(displayName(code, instance), 100);
  const tier = instance?.tier ?? "none";
  const rules = policy.tiers[tier];
  const verdict = (covered: boolean, reason: string, instead: Instead[] = []): InstanceVerdict => ({
    code,
    display,
    tier,
    covered,
    reason,
    instead,
  });
  const { category, severity, size } = request;

  if (policy.never_covered.includes(category)) {
    const what = policy.categories[category].description;
    return verdict(
      false,
      `${display}'s request is about ${what.charAt(0).toLowerCase()}${what.slice(1)}: that is never covered by the global team, whatever the tier`,
      ["job-board"],
    );
  }
  const os = instance?.os ?? "ubuntu";
  if (policy.os_sensitive.includes(category) && !policy.supported_os.includes(os)) {
    return verdict(
      false,
      `${display}'s server runs ${plainText(os, 40)}; ${category} work is only supported on ${listWords(policy.supported_os.map(capitalise))} servers`,
      ["job-board"],
    );
  }
  if (!rules.covers.includes(category)) {
    const covers = rules.covers.length
      ? `which covers ${listWords(rules.covers)}, not ${category}`
      : "so the global team does no sysadmin work for it";
    return verdict(false, `${display} is on the ${tier} tier, ${covers}`, [
      "job-board",
      "tier-review",
    ]);
  }
  if (severity === "S0" && !rules.s0_response) {
    return verdict(
      false,
      `${display} is on the ${tier} tier, which gets no critical-incident (S0) response`,
      ["job-board", "tier-review"],
    );
  }
  if (rules.max_size && compareSize(size, rules.max_size) > 0) {
    return verdict(
      false,
      `${display}'s ${tier} tier takes requests up to size ${rules.max_size}; this one looks like ${size}`,
      ["job-board"],
    );
  }
  return verdict(true, `${display} is on the ${tier} tier, which covers ${category}`);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

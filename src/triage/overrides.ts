// A person's label on the app's vocabulary is an override; the app respects it, never fights it.
import type { Policy } from "../registry/policy.js";
import { readLabel } from "./labels.js";
import type { Overrides, RecordedState } from "./types.js";
import { SEVERITIES, SIZES, type Category, type Severity, type Size } from "./vocabulary.js";

export interface OverrideReading {
  overrides: Overrides;
  /** App labels a person removed: the app does not add them again. */
  suppressed: string[];
}

/**
 * Labels the app did not add itself are a person's. Comparing the labels with the
 * labels the app recorded as its own tells us which are overrides and which of ours were removed.
 */
export function readOverrides(
  labels: readonly string[],
  previous: RecordedState | undefined,
  policy: Policy,
): OverrideReading {
  const ours = new Set(previous?.applied ?? []);
  const present = new Set(labels);
  const human = labels.filter((label) => !ours.has(label));
  const overrides: Overrides = {};

  const humanValues = <T extends string>(dimension: string): T[] =>
    human
      .map((label) => readLabel(label, policy))
      .filter((m) => m?.dimension === dimension)
      .map((m) => m!.value as T);

  if (humanValues("instance").length) {
    // Someone named an instance: every instance label on the issue now counts.
    overrides.instances = labels
      .map((label) => readLabel(label, policy))
      .filter((m) => m?.dimension === "instance")
      .map((m) => m!.value)
      .sort();
  }
  const category = humanValues<Category>("category")[0];
  if (category) overrides.category = category;
  // Two severities set by hand: the more severe one wins; two sizes: the larger.
  const severity = humanValues<Severity>("severity").sort(
    (a, b) => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b),
  )[0];
  if (severity) overrides.severity = severity;
  const size = humanValues<Size>("size").sort((a, b) => SIZES.indexOf(b) - SIZES.indexOf(a))[0];
  if (size) overrides.size = size;

  const removedNow = [...ours].filter((label) => !present.has(label));
  const suppressed = [...new Set([...(previous?.suppressed ?? []), ...removedNow])].filter(
    (label) => !present.has(label),
  );
  return { overrides, suppressed: suppressed.sort() };
}

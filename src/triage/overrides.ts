// A person's label on the app's vocabulary is an override; the app respects it, never fights it.
import type { Policy } from "../registry/policy.js";
import {
  categoryLabel,
  instanceLabel,
  readLabel,
  severityLabel,
  sizeLabel,
} from "./label-names.js";
import type { Overrides, RecordedState } from "./types.js";
import {
  SEVERITIES,
  SIZES,
  type Category,
  type Severity,
  type Size,
} from "../registry/vocabulary.js";

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
  commanded: Overrides = {},
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
  return {
    overrides: withCommanded(overrides, commanded, suppressed, policy),
    suppressed: suppressed.sort(),
  };
}

/**
 * A slash command's value holds until a person says otherwise: a person's label on the same
 * dimension (always newer, since the command replaced the old ones) wins, and removing the
 * command's label withdraws it.
 */
function withCommanded(
  fromLabels: Overrides,
  commanded: Overrides,
  suppressed: readonly string[],
  policy: Policy,
): Overrides {
  const l = policy.labels;
  const kept = (label: string) => !suppressed.includes(label);
  const merged: Overrides = { ...fromLabels };
  if (!merged.instances && commanded.instances?.length) {
    const live = commanded.instances.filter((c) => kept(instanceLabel(l, c)));
    if (live.length) merged.instances = live;
  }
  if (!merged.category && commanded.category && kept(categoryLabel(l, commanded.category)))
    merged.category = commanded.category;
  if (!merged.severity && commanded.severity && kept(severityLabel(l, commanded.severity)))
    merged.severity = commanded.severity;
  if (!merged.size && commanded.size && kept(sizeLabel(l, commanded.size)))
    merged.size = commanded.size;
  return merged;
}

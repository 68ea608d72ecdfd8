// What a registry or policy change means, in the circle's words: instances added and removed,
// tier changes, categories gained and lost, caps and response promises changed. Pure.
import type { TriageConfig } from "../../registry/triage-config.js";
import { codeSpan, link, pipesEscaped, plainText } from "../../markup/inert.js";
import type { HourCap, Policy } from "../../registry/policy.js";
import { instanceOf, TIERS, type Instance, type Tier } from "../../registry/schema.js";
import { SEVERITIES, type Severity } from "../../registry/vocabulary.js";

export interface InstanceChange {
  code: string;
  name: string;
  tier?: { from: Tier; to: Tier };
  gains: string[];
  loses: string[];
  /** S0 (critical incident) response gained (true) or lost (false). */
  s0?: boolean;
  /** Links to the evidence the circle reviewed, from the registry. */
  evidence: string[];
}

/** A tier's cap changed (the largest size it takes, the pipe hours it may use), or the time to a
 * first response it promises for a severity. */
export interface CapChange {
  tier: Tier;
  cap: "size" | "hours" | "response";
  /** For a promise: the severity it is for. */
  severity?: Severity;
  from?: string;
  to?: string;
}

export interface RegistryDiff {
  added: { code: string; name: string; tier: Tier }[];
  removed: { code: string; name: string; tier: Tier }[];
  changed: InstanceChange[];
  caps: CapChange[];
}

function coverage(tier: Tier, policy: Policy): Set<string> {
  return new Set(policy.tiers[tier].covers);
}

function instanceChange(
  code: string,
  before: Instance,
  after: Instance,
  old: TriageConfig,
  now: TriageConfig,
): InstanceChange | undefined {
  const was = coverage(before.tier, old.policy);
  const is = coverage(after.tier, now.policy);
  const gains = [...is].filter((c) => !was.has(c));
  const loses = [...was].filter((c) => !is.has(c));
  const s0Before = old.policy.tiers[before.tier].s0_response;
  const s0After = now.policy.tiers[after.tier].s0_response;
  const tierChanged = before.tier !== after.tier;
  if (!tierChanged && !gains.length && !loses.length && s0Before === s0After) return undefined;
  return {
    code,
    name: after.name,
    ...(tierChanged ? { tier: { from: before.tier, to: after.tier } } : {}),
    gains,
    loses,
    ...(s0Before !== s0After ? { s0: s0After } : {}),
    evidence: after.evidence ?? [],
  };
}

export function diffConfigs(old: TriageConfig, now: TriageConfig): RegistryDiff {
  const before = old.registry;
  const after = now.registry;
  const entry = (code: string, i: Instance) => ({ code, name: i.name, tier: i.tier });
  const added = Object.entries(after.instances)
    .filter(([code]) => !instanceOf(before, code))
    .map(([code, i]) => entry(code, i));
  const removed = Object.entries(before.instances)
    .filter(([code]) => !instanceOf(after, code))
    .map(([code, i]) => entry(code, i));
  const changed = Object.entries(after.instances).flatMap(([code, i]) => {
    const was = instanceOf(before, code);
    const change = was ? instanceChange(code, was, i, old, now) : undefined;
    return change ? [change] : [];
  });
  const caps = TIERS.flatMap((tier): CapChange[] => {
    const [was, is] = [old.policy.tiers[tier], now.policy.tiers[tier]];
    return [
      capChange(tier, "size", was.max_size, is.max_size),
      capChange(tier, "hours", hoursWords(was.hour_cap), hoursWords(is.hour_cap)),
      ...SEVERITIES.map((severity) => {
        const change = capChange(
          tier,
          "response",
          was.respond_within[severity],
          is.respond_within[severity],
        );
        return change && { ...change, severity };
      }),
    ].flatMap((c) => c ?? []);
  });
  return { added, removed, changed, caps };
}

function capChange(tier: Tier, cap: CapChange["cap"], from?: string, to?: string) {
  return from === to ? undefined : { tier, cap, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** An hour cap in words: "10 h a month (hours logged)". */
function hoursWords(cap: HourCap | undefined): string | undefined {
  if (!cap) return undefined;
  return `${cap.hours} h a ${cap.per} (${cap.count === "logged" ? "hours logged" : "nominal hours per size"})`;
}

export function isEmptyDiff(d: RegistryDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length && !d.caps.length;
}

const list = (items: string[]) => (items.length ? items.join(", ") : "—");
/** "`fr` CoopCircuits (France)": the registry's code and name are the pull request's text. */
const named = (i: { code: string; name: string }) =>
  `${codeSpan(i.code, 40)} ${plainText(i.name, 100)}`;

/** The change as Markdown tables, for the check run and the CLI. */
export function renderDiff(d: RegistryDiff): string {
  if (isEmptyDiff(d)) return "No instance, tier, coverage or cap changes.";
  const out: string[] = [];
  if (d.changed.length) {
    out.push(
      "| instance | tier | gains | loses | evidence |",
      "| --- | --- | --- | --- | --- |",
      ...d.changed.map((c) => {
        const tier = c.tier ? `${c.tier.from} → ${c.tier.to}` : "unchanged";
        const gains = [...c.gains, ...(c.s0 === true ? ["S0 response"] : [])];
        const loses = [...c.loses, ...(c.s0 === false ? ["S0 response"] : [])];
        const evidence = c.evidence.map((url, i) => link(String(i + 1), url)).join(" ");
        return `| ${pipesEscaped(named(c))} | ${tier} | ${list(gains)} | ${list(loses)} | ${pipesEscaped(evidence) || "—"} |`;
      }),
      "",
    );
  }
  if (d.added.length)
    out.push(`**Added:** ${d.added.map((i) => `${named(i)} (${i.tier})`).join(", ")}`, "");
  if (d.removed.length)
    out.push(`**Removed:** ${d.removed.map((i) => `${named(i)} (was ${i.tier})`).join(", ")}`, "");
  for (const [cap, title] of [
    ["size", "Size caps"],
    ["hours", "Hour caps"],
    ["response", "Response promises"],
  ] as const) {
    const changes = d.caps.filter((c) => c.cap === cap);
    const which = (c: CapChange) => (c.severity ? `${c.tier} ${c.severity}` : c.tier);
    if (changes.length)
      out.push(
        `**${title}:** ${changes.map((c) => `${which(c)}: ${c.from ?? "none"} → ${c.to ?? "none"}`).join("; ")}`,
        "",
      );
  }
  return out.join("\n").trim();
}

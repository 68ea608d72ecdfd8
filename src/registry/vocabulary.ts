// The fixed words of the triage contract (docs/contributing.md). Policy files refer to these names.

export const CATEGORIES = [
  "outage",
  "provisioning",
  "deployment",
  "upgrade",
  "migration",
  "dns",
  "email",
  "ssl",
  "backup",
  "monitoring",
  "access",
  "integration",
  "performance",
  "config",
  "website",
  "tooling",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ["S0", "S1", "S2", "S3"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SIZES = ["XS", "S", "M", "L"] as const;
export type Size = (typeof SIZES)[number];

export const KINDS = ["instance", "install", "other"] as const;
export type Kind = (typeof KINDS)[number];

/** `undecided`: the signals disagree, so the app states nothing and a person decides. */
export const OUTCOMES = ["accepted", "rejected", "needs-info", "not-pipe", "undecided"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Plain-words meaning of each severity, shared by the issue form and the bot comment. */
export const SEVERITY_MEANING: Record<Severity, string> = {
  S0: "production down or unusable, data or security at risk: drop everything",
  S1: "a critical function broken for an instance (emails, checkout, login, a staging server that blocks releases)",
  S2: "something broken with no workaround, not critical",
  S3: "minor, planned or nice to have (chores, upgrades on a calendar, papercuts)",
};

export const SIZE_MEANING: Record<Size, string> = {
  XS: "under 1 hour",
  S: "1–4 hours",
  M: "4–16 hours",
  L: "more than 2 days",
};

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}
export function isSize(value: string): value is Size {
  return (SIZES as readonly string[]).includes(value);
}

/** Compare sizes: negative when a is smaller than b. */
export function compareSize(a: Size, b: Size): number {
  return SIZES.indexOf(a) - SIZES.indexOf(b);
}

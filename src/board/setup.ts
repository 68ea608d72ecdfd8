// `sysadmin-pipe board setup` and `board check`: compare the project's fields with the
// configuration. Pure; src/github/board-fields.ts creates what is missing.
import type { BoardConfig } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import { TIERS } from "../registry/schema.js";
import { SEVERITIES, SEVERITY_MEANING, SIZES, SIZE_MEANING } from "../registry/vocabulary.js";
/** A single-select option of a project's field, as GitHub describes it. */
export interface ProjectOption {
  id: string;
  name: string;
  color: string;
  description: string;
}

/** A field of a project, as GitHub describes it. */
export interface ProjectField {
  id: string;
  name: string;
  dataType: string;
  options: ProjectOption[];
}
import { nameKey, NUMBER_FIELDS } from "../triage/card.js";

type Color = "GRAY" | "BLUE" | "GREEN" | "YELLOW" | "ORANGE" | "RED" | "PINK" | "PURPLE";

export interface WantedOption {
  name: string;
  color: Color;
  description: string;
}

export interface WantedField {
  name: string;
  dataType: "SINGLE_SELECT" | "NUMBER" | "DATE";
  options: WantedOption[];
}

export type ExistingField = ProjectField;

export type Drift =
  | { kind: "missing-field"; field: WantedField }
  | { kind: "missing-options"; field: ExistingField; missing: WantedOption[] }
  | { kind: "wrong-type"; field: ExistingField; wanted: WantedField["dataType"] };

const SEVERITY_COLOR: Record<string, Color> = { S0: "RED", S1: "ORANGE", S2: "YELLOW", S3: "GRAY" };

/** The fields and options the configuration expects on the board. */
export function wantedFields(config: BoardConfig, registry: Registry): WantedField[] {
  const c = config.columns;
  const status: WantedOption[] = [
    { name: c.inbox, color: "GRAY", description: "Needs more information before it can be judged" },
    { name: c.emergency, color: "RED", description: "S0: production down, drop everything" },
    { name: c.ready, color: "BLUE", description: "Accepted; ordered by severity, tier, then age" },
    { name: c.in_progress, color: "YELLOW", description: "A developer is on it" },
    {
      name: c.jobs_board,
      color: "PURPLE",
      description: "Paid extra work, never counted against the pipe",
    },
    { name: c.done, color: "GREEN", description: "Closed" },
  ];
  const f = config.fields;
  return [
    { name: config.status_field, dataType: "SINGLE_SELECT", options: status },
    {
      name: f.severity,
      dataType: "SINGLE_SELECT",
      options: SEVERITIES.map((s) => ({
        name: s,
        color: SEVERITY_COLOR[s] ?? "GRAY",
        description: SEVERITY_MEANING[s],
      })),
    },
    {
      name: f.size,
      dataType: "SINGLE_SELECT",
      options: SIZES.map((s) => ({ name: s, color: "BLUE", description: SIZE_MEANING[s] })),
    },
    {
      name: f.tier,
      dataType: "SINGLE_SELECT",
      options: TIERS.map((t) => ({
        name: t,
        color: t === "full" ? "GREEN" : t === "basic" ? "BLUE" : "GRAY",
        description: `${t} tier`,
      })),
    },
    {
      name: f.instance,
      dataType: "SINGLE_SELECT",
      options: Object.entries(registry.instances).map(([code, i]) => ({
        name: code,
        color: "GRAY",
        description: i.name,
      })),
    },
    ...NUMBER_FIELDS.map((k) => ({ name: f[k], dataType: "NUMBER" as const, options: [] })),
    { name: f.respond_by, dataType: "DATE", options: [] },
  ];
}

const same = (a: string, b: string) => nameKey(a) === nameKey(b);

/** What the board lacks compared with the configuration. Option names match case-insensitively. */
export function boardDrift(
  existing: readonly ExistingField[],
  wanted: readonly WantedField[],
): Drift[] {
  return wanted.flatMap((w): Drift[] => {
    const field = existing.find((e) => same(e.name, w.name));
    if (!field) return [{ kind: "missing-field", field: w }];
    if (field.dataType !== w.dataType) return [{ kind: "wrong-type", field, wanted: w.dataType }];
    const missing = w.options.filter((o) => !field.options.some((e) => same(e.name, o.name)));
    return missing.length ? [{ kind: "missing-options", field, missing }] : [];
  });
}

export function describeDrift(d: Drift): string {
  switch (d.kind) {
    case "missing-field":
      return `field \`${d.field.name}\` is missing${d.field.options.length ? ` (options: ${d.field.options.map((o) => o.name).join(", ")})` : ""}`;
    case "missing-options":
      return `field \`${d.field.name}\` lacks the options ${d.missing.map((o) => o.name).join(", ")}`;
    case "wrong-type":
      return `field \`${d.field.name}\` is ${d.field.dataType.toLowerCase()}, but the app needs ${d.wanted.toLowerCase()}: rename or remove it`;
  }
}

/** What fixing the drift does, one line per change ("would …" in a preview). */
export function driftLines(drift: readonly Drift[], preview: boolean): string[] {
  return drift.map((d) => {
    if (d.kind === "missing-field")
      return `${preview ? "would create" : "created"} ${describeDrift(d).replace(/ is missing/, "")}`;
    if (d.kind === "missing-options")
      return `${preview ? "would add" : "added"} ${d.missing.map((o) => o.name).join(", ")} to \`${d.field.name}\``;
    return `cannot fix: ${describeDrift(d)}`;
  });
}

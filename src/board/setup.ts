// `sysadmin-pipe board setup` and `board check`: compare the project's fields with the
// configuration (pure), then create what is missing (GitHub). Set-up is run by a person with a
// token, rarely, so it favours plain sequential requests over batching.
import type { BoardConfig } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import { TIERS } from "../registry/schema.js";
import { SEVERITIES, SEVERITY_MEANING, SIZES, SIZE_MEANING } from "../triage/vocabulary.js";
import type { GitHub } from "../github/types.js";
import type { ProjectField } from "../github/board.js";
import { nameKey } from "../triage/board.js";

type Color = "GRAY" | "BLUE" | "GREEN" | "YELLOW" | "ORANGE" | "RED" | "PINK" | "PURPLE";

export interface WantedOption {
  name: string;
  color: Color;
  description: string;
}

export interface WantedField {
  name: string;
  dataType: "SINGLE_SELECT" | "NUMBER";
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
    { name: f.hours, dataType: "NUMBER", options: [] },
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

export const CREATE_FIELD = `mutation SysadminPipeCreateField($project: ID!, $name: String!, $type: ProjectV2CustomFieldType!, $options: [ProjectV2SingleSelectFieldOptionInput!]) {
  createProjectV2Field(input: { projectId: $project, name: $name, dataType: $type, singleSelectOptions: $options }) {
    projectV2Field { ... on ProjectV2FieldCommon { id name } }
  }
}`;

export const UPDATE_OPTIONS = `mutation SysadminPipeAddOptions($field: ID!, $options: [ProjectV2SingleSelectFieldOptionInput!]) {
  updateProjectV2Field(input: { fieldId: $field, singleSelectOptions: $options }) {
    projectV2Field { ... on ProjectV2FieldCommon { id name } }
  }
}`;

/** Create what is missing; returns one line per change (or planned change, in a dry run). */
export async function applyDrift(
  github: { graphql: GitHub["graphql"] },
  projectId: string,
  drift: readonly Drift[],
  dryRun: boolean,
): Promise<string[]> {
  const lines: string[] = [];
  const verb = dryRun ? "would" : "did";
  for (const d of drift) {
    if (d.kind === "missing-field") {
      if (!dryRun) {
        await github.graphql(CREATE_FIELD, {
          project: projectId,
          name: d.field.name,
          type: d.field.dataType,
          options: d.field.dataType === "SINGLE_SELECT" ? d.field.options : null,
        });
      }
      lines.push(
        `${verb === "would" ? "would create" : "created"} ${describeDrift(d).replace(/ is missing/, "")}`,
      );
    } else if (d.kind === "missing-options") {
      // GitHub replaces a field's option list: send the existing options (by name) plus the new ones.
      if (!dryRun) {
        const kept = d.field.options.map(({ name, color, description }) => ({
          name,
          color,
          description,
        }));
        await github.graphql(UPDATE_OPTIONS, {
          field: d.field.id,
          options: [...kept, ...d.missing],
        });
      }
      lines.push(
        `${dryRun ? "would add" : "added"} ${d.missing.map((o) => o.name).join(", ")} to \`${d.field.name}\``,
      );
    } else {
      lines.push(`cannot fix: ${describeDrift(d)}`);
    }
  }
  return lines;
}

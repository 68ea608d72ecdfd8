// Creating the pipe board's missing fields and options (`sysadmin-pipe board setup`). Run by a
// person with a token, rarely, so it favours plain sequential requests over batching.
import { describeDrift, type Drift } from "../board/setup.js";
import type { GitHub } from "./client-types.js";

const CREATE_FIELD = `mutation SysadminPipeCreateField($project: ID!, $name: String!, $type: ProjectV2CustomFieldType!, $options: [ProjectV2SingleSelectFieldOptionInput!]) {
  createProjectV2Field(input: { projectId: $project, name: $name, dataType: $type, singleSelectOptions: $options }) {
    projectV2Field { ... on ProjectV2FieldCommon { id name } }
  }
}`;

const UPDATE_OPTIONS = `mutation SysadminPipeAddOptions($field: ID!, $options: [ProjectV2SingleSelectFieldOptionInput!]) {
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

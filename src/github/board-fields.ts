// Creating the pipe board's missing fields and options (`sysadmin-pipe board setup`). Run by a
// person with a token, rarely, so it favours plain sequential requests over batching.
import { driftLines, type Drift } from "../board/setup.js";
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

/** Create what is missing (the executor's: a preview writes nothing); one line per change. */
export async function fixDrift(
  github: { graphql: GitHub["graphql"] },
  projectId: string,
  drift: readonly Drift[],
): Promise<string[]> {
  for (const d of drift) {
    if (d.kind === "missing-field") {
      await github.graphql(CREATE_FIELD, {
        project: projectId,
        name: d.field.name,
        type: d.field.dataType,
        options: d.field.dataType === "SINGLE_SELECT" ? d.field.options : null,
      });
    } else if (d.kind === "missing-options") {
      // GitHub replaces a field's option list: send the existing options (by name) plus the new ones.
      const kept = d.field.options.map(({ name, color, description }) => ({
        name,
        color,
        description,
      }));
      await github.graphql(UPDATE_OPTIONS, { field: d.field.id, options: [...kept, ...d.missing] });
    }
  }
  return driftLines(drift, false);
}

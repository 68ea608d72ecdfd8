// The bench's peer: a bare Probot app that, on issues.opened, makes the GitHub requests
// sysadmin-pipe makes for a new accepted issue (as the fake GitHub logs them for one triage once
// the repository's labels exist), with no triage logic, no queue and no state:
//   GET  /repos/{owner}/{repo}/issues/{n}/comments  (has the issue been handled already?)
//   POST /graphql SysadminPipeAddAndRead            (the card added with the issue's labels, the
//                                                    board's cards read back)
//   POST /graphql SysadminPipeFields                (the card's fields and its place in Ready)
//   POST /repos/{owner}/{repo}/issues/{n}/comments  (the comment, last)
// The same documents as the app's (src/github/board-api.ts), with the same variables, so GitHub
// (the fake) does the same work and answers the same. The ids they need (the project's fields and
// options, the labels') are looked up once per process, as the app caches them.

const LABELS = ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"];
/** Field -> option: what the app sets for a French email request. */
const FIELDS = [
  ["Status", "Ready"],
  ["Severity", "S1"],
  ["Size", "S"],
  ["Tier", "full"],
  ["Instance", "fr"],
];
const BOARD = { owner: "openfoodfoundation", number: 5 };

const PROJECT_QUERY = `query SysadminPipeProject($owner: String!, $number: Int!) {
  repositoryOwner(login: $owner) {
    ... on ProjectV2Owner {
      projectV2(number: $number) {
        id
        title
        fields(first: 50) {
          nodes {
            ... on ProjectV2FieldCommon { id name dataType }
            ... on ProjectV2SingleSelectField { options { id name color description } }
          }
        }
      }
    }
  }
}`;

const BOARD_ITEMS = `pageInfo { hasNextPage endCursor }
        nodes {
          id
          status: fieldValueByName(name: $status) { ... on ProjectV2ItemFieldSingleSelectValue { name } }
          severity: fieldValueByName(name: $severity) { ... on ProjectV2ItemFieldSingleSelectValue { name } }
          tier: fieldValueByName(name: $tier) { ... on ProjectV2ItemFieldSingleSelectValue { name } }
          content { ... on Issue { createdAt } ... on PullRequest { createdAt } }
        }`;

const ITEM_FIELDS = `id
          isArchived
          project { id }
          fieldValues(first: 30) {
            nodes {
              ... on ProjectV2ItemFieldSingleSelectValue { name field { ... on ProjectV2FieldCommon { name } } }
              ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { name } } }
            }
          }`;

const ADD_AND_READ = `mutation SysadminPipeAddAndRead($project: ID!, $content: ID!, $status: String!, $severity: String!, $tier: String!, $labels: [ID!]!) {
  addProjectV2ItemById(input: { projectId: $project, contentId: $content }) {
    item {
      ${ITEM_FIELDS}
      content { ... on Issue { createdAt } }
      project {
        items(first: 100) {
          ${BOARD_ITEMS}
        }
      }
    }
  }
  labels: addLabelsToLabelable(input: { labelableId: $content, labelIds: $labels }) { clientMutationId }
}`;

const FIELDS_MUTATION = `mutation SysadminPipeFields($project: ID!, $item: ID!${FIELDS.map((_, i) => `, $f${i}: ID!, $o${i}: String!`).join("")}, $after: ID) {
${FIELDS.map((_, i) => `  set${i}: updateProjectV2ItemFieldValue(input: { projectId: $project, itemId: $item, fieldId: $f${i}, value: { singleSelectOptionId: $o${i} } }) { projectV2Item { id } }`).join("\n")}
  place: updateProjectV2ItemPosition(input: { projectId: $project, itemId: $item, afterId: $after }) { clientMutationId }
}`;

/** A comment as long as the app's for the same issue (~1,250 characters). */
const COMMENT = `<!-- bench-peer -->
### Accepted into the sysadmin pipe

${"This request was accepted; a developer on sysadmin duty picks it up as soon as they can. ".repeat(13)}`;

let ids;
/** The project's, its fields' and the labels' ids: looked up once, then cached. */
function lookUp(octokit, owner, repo) {
  ids ??= (async () => {
    const project = (await octokit.graphql(PROJECT_QUERY, BOARD)).repositoryOwner.projectV2;
    const byName = new Map(project.fields.nodes.map((f) => [f.name, f]));
    const labels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
      owner,
      repo,
      per_page: 100,
    });
    const labelIds = [];
    for (const name of LABELS) {
      const found = labels.find((l) => l.name === name);
      labelIds.push(
        found?.node_id ??
          (await octokit.rest.issues.createLabel({ owner, repo, name })).data.node_id,
      );
    }
    return {
      project: project.id,
      labels: labelIds,
      fields: FIELDS.map(([field, option]) => {
        const f = byName.get(field);
        return { field: f.id, option: f.options.find((o) => o.name === option).id };
      }),
    };
  })();
  return ids;
}

export default (app) => {
  app.on("issues.opened", async (context) => {
    const octokit = context.octokit;
    const ref = context.issue();
    const known = await lookUp(octokit, ref.owner, ref.repo);
    await octokit.paginate(octokit.rest.issues.listComments, { ...ref, per_page: 100 });
    const added = await octokit.graphql(ADD_AND_READ, {
      project: known.project,
      content: context.payload.issue.node_id,
      status: "Status",
      severity: "Severity",
      tier: "Tier",
      labels: known.labels,
    });
    const item = added.addProjectV2ItemById.item;
    const ready = item.project.items.nodes.filter((n) => n.status?.name === "Ready");
    const after = ready.filter((n) => n.id !== item.id).at(-1)?.id ?? null;
    const variables = { project: known.project, item: item.id, after };
    known.fields.forEach((f, i) => {
      variables[`f${i}`] = f.field;
      variables[`o${i}`] = f.option;
    });
    await octokit.graphql(FIELDS_MUTATION, variables);
    await octokit.rest.issues.createComment({ ...ref, body: COMMENT });
  });
};

// The sysadmin pipe board on GitHub Projects (v2), through GraphQL. Reads what is there, then
// applies BoardWrites in as few requests as possible.
import type { BoardConfig } from "../registry/policy.js";
import {
  nameKey,
  NUMBER_FIELDS,
  type NumberField,
  type ActualItem,
  type BoardWrites,
  type ReadyCard,
} from "../triage/card.js";
import type { GitHub } from "./client-types.js";

/** Ids of the project, its fields and their options: looked up once per installation. */
export interface BoardMeta {
  projectId: string;
  /** Field name -> field id and (for single-selects) option name -> option id; keys by nameKey. */
  fields: Map<string, { id: string; options: Map<string, string> }>;
}

/** A problem people can act on: the project is missing, a field is missing, no access... */
export class BoardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BoardError";
  }
}

// `repositoryOwner` + `ProjectV2Owner` reads an organisation's or a user's project alike.
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

import type { ProjectField, ProjectOption } from "../board/setup.js";
import { TtlCache } from "./ttl-cache.js";

export type { ProjectField, ProjectOption };

export interface Project {
  id: string;
  title: string;
  fields: ProjectField[];
}

interface ProjectQueryResult {
  repositoryOwner: {
    projectV2?: {
      id: string;
      title: string;
      fields: {
        nodes: ({
          id?: string;
          name?: string;
          dataType?: string;
          options?: ProjectOption[];
        } | null)[];
      };
    } | null;
  } | null;
}

/** The project and its fields, or a BoardError saying it cannot be found. */
export async function readProject(
  github: { graphql: GitHub["graphql"] },
  owner: string,
  number: number,
): Promise<Project> {
  const result = await github.graphql<ProjectQueryResult>(PROJECT_QUERY, { owner, number });
  const project = result.repositoryOwner?.projectV2;
  if (!project) throw new BoardError(notFound(owner, number));
  const fields = project.fields.nodes.flatMap((n) =>
    n?.id && n.name
      ? [{ id: n.id, name: n.name, dataType: n.dataType ?? "", options: n.options ?? [] }]
      : [],
  );
  return { id: project.id, title: project.title, fields };
}

const notFound = (owner: string, number: number | null) =>
  `project ${number} of ${owner} does not exist, or the app cannot see it`;

const cache = new TtlCache<BoardMeta>(60 * 60 * 1000, 200);

export function forgetBoards(): void {
  cache.clear();
}

/** Turn GraphQL and HTTP errors into one sentence people can act on. */
export function explainBoardError(error: unknown, config: BoardConfig): string {
  if (error instanceof BoardError) return error.message;
  const e = error as {
    status?: number;
    message?: string;
    errors?: { type?: string; message?: string }[];
  };
  const first = e.errors?.[0];
  if (first?.type === "NOT_FOUND" || /Could not resolve to a ProjectV2/i.test(e.message ?? "")) {
    return notFound(config.owner, config.number);
  }
  if (
    first?.type === "FORBIDDEN" ||
    e.status === 403 ||
    /not accessible by integration/i.test(e.message ?? "")
  ) {
    return `the app has no access to ${config.owner}'s projects: grant it the organisation permission "Projects: read and write"`;
  }
  return `GitHub answered: ${(first?.message ?? e.message ?? String(error)).slice(0, 200)}`;
}

const loading = new Map<string, Promise<BoardMeta>>();

export async function loadBoardMeta(
  github: GitHub,
  config: BoardConfig,
  cacheKey: string,
  fresh = false,
): Promise<BoardMeta> {
  const key = `${cacheKey}:${config.owner}/${config.number}`;
  const cached = cache.get(key);
  if (!fresh && cached) return cached;
  // Deliveries arriving together share one look-up.
  const pending = loading.get(key);
  if (pending && !fresh) return pending;
  const load = readProject(github, config.owner, config.number ?? 0).then((project) => {
    const fields: BoardMeta["fields"] = new Map();
    for (const f of project.fields) {
      fields.set(nameKey(f.name), {
        id: f.id,
        options: new Map(f.options.map((o) => [nameKey(o.name), o.id])),
      });
    }
    const meta = { projectId: project.id, fields };
    cache.set(key, meta);
    return meta;
  });
  loading.set(key, load);
  try {
    return await load;
  } finally {
    if (loading.get(key) === load) loading.delete(key);
  }
}

/** What the app reads of each card on the board: enough to order Ready. */
const BOARD_ITEMS = `pageInfo { hasNextPage endCursor }
        nodes {
          id
          status: fieldValueByName(name: $status) { ... on ProjectV2ItemFieldSingleSelectValue { name } }
          severity: fieldValueByName(name: $severity) { ... on ProjectV2ItemFieldSingleSelectValue { name } }
          tier: fieldValueByName(name: $tier) { ... on ProjectV2ItemFieldSingleSelectValue { name } }
          content { ... on Issue { createdAt } ... on PullRequest { createdAt } }
        }`;

/** What the app reads of the issue's own card: its column and fields. */
const ITEM_FIELDS = `id
          isArchived
          project { id }
          fieldValues(first: 30) {
            nodes {
              ... on ProjectV2ItemFieldSingleSelectValue { name field { ... on ProjectV2FieldCommon { name } } }
              ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { name } } }
              ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { name } } }
            }
          }`;

const ITEM_QUERY = `query SysadminPipeItem($owner: String!, $repo: String!, $number: Int!, $project: ID!, $status: String!, $severity: String!, $tier: String!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      id
      createdAt
      projectItems(first: 20, includeArchived: true) {
        nodes {
          ${ITEM_FIELDS}
        }
      }
    }
  }
  node(id: $project) {
    ... on ProjectV2 {
      items(first: 100) {
        ${BOARD_ITEMS}
      }
    }
  }
}`;

/** The next hundred cards of the board, for boards with more than fit in ITEM_QUERY. */
const ITEMS_PAGE_QUERY = `query SysadminPipeItems($project: ID!, $after: String!, $status: String!, $severity: String!, $tier: String!) {
  node(id: $project) {
    ... on ProjectV2 {
      items(first: 100, after: $after) {
        ${BOARD_ITEMS}
      }
    }
  }
}`;

/**
 * For an issue the app has not filed yet: add it (adding an issue already on the board returns
 * its card) and read back, in the same request, the card and the board's cards for ordering.
 * With label ids, the issue's new labels are added in the same request too (saving a write
 * GitHub spaces a second apart); mutations in one document run in order, each on its own.
 */
function addAndReadMutation(withLabels: boolean): string {
  const labelsVar = withLabels ? ", $labels: [ID!]!" : "";
  const labels = withLabels
    ? "\n  labels: addLabelsToLabelable(input: { labelableId: $content, labelIds: $labels }) { clientMutationId }"
    : "";
  return `mutation SysadminPipeAddAndRead($project: ID!, $content: ID!, $status: String!, $severity: String!, $tier: String!${labelsVar}) {
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
  }${labels}
}`;
}

interface ItemQueryResult {
  repository: {
    issue: {
      id: string;
      createdAt: string;
      projectItems: { nodes: (ItemNode | null)[] };
    } | null;
  } | null;
  node: { items?: BoardItems } | null;
}

/** The issue's own card, as ITEM_FIELDS reads it. */
interface ItemNode {
  id: string;
  isArchived: boolean;
  project: { id: string };
  fieldValues: {
    nodes: ({
      name?: string | null;
      number?: number | null;
      /** A date field's day, as GitHub writes it (YYYY-MM-DD). */
      date?: string | null;
      field?: { name?: string };
    } | null)[];
  };
}

interface AddAndReadResult {
  addProjectV2ItemById: {
    item: ItemNode & { content: { createdAt?: string } | null; project: { items?: BoardItems } };
  } | null;
  labels?: { clientMutationId: string | null } | null;
}

interface BoardItems {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: ({
    id: string;
    status: { name?: string | null } | null;
    severity: { name?: string | null } | null;
    tier: { name?: string | null } | null;
    content: { createdAt?: string } | null;
  } | null)[];
}

export interface IssueOnBoard {
  issueId: string;
  createdAt: string;
  item?: ActualItem;
  /** The Ready cards among the board's first hundred. */
  ready: ReadyCard[];
  /** Where the board goes on past its first hundred cards, if it does. */
  morePages?: string;
}

/** The cards of a page that are in Ready. */
function readyCards(items: BoardItems | undefined, config: BoardConfig): ReadyCard[] {
  return (items?.nodes ?? [])
    .filter(
      (n): n is NonNullable<typeof n> =>
        n !== null && nameKey(n.status?.name ?? "") === nameKey(config.columns.ready),
    )
    .map((n) => ({
      id: n.id,
      severity: n.severity?.name ?? undefined,
      tier: n.tier?.name ?? undefined,
      createdAt: n.content?.createdAt ?? "",
    }));
}

const nextPage = (items: BoardItems | undefined) =>
  items?.pageInfo.hasNextPage ? (items.pageInfo.endCursor ?? undefined) : undefined;

/** A board read past this many pages is placed from what was read (and a warning is logged). */
export const MAX_BOARD_PAGES = 10;

/**
 * The Ready cards past the board's first hundred: read only when a card is to be placed in
 * Ready on a board that long (archiving Done cards keeps it short).
 */
export async function readMoreReady(
  github: GitHub,
  meta: BoardMeta,
  config: BoardConfig,
  after: string,
): Promise<{ ready: ReadyCard[]; complete: boolean }> {
  const ready: ReadyCard[] = [];
  let cursor: string | undefined = after;
  for (let page = 1; cursor && page < MAX_BOARD_PAGES; page++) {
    const result: { node: { items?: BoardItems } | null } = await github.graphql(ITEMS_PAGE_QUERY, {
      project: meta.projectId,
      after: cursor,
      status: config.status_field,
      severity: config.fields.severity,
      tier: config.fields.tier,
    });
    ready.push(...readyCards(result.node?.items, config));
    cursor = nextPage(result.node?.items);
  }
  return { ready, complete: cursor === undefined };
}

/** The card as the board rules see it: archived or not, its fields by name, its numbers and day. */
function actualItem(node: ItemNode, config: BoardConfig): ActualItem {
  const named = (field: string) =>
    node.fieldValues.nodes.filter((v) => nameKey(v?.field?.name ?? "") === nameKey(field));
  const numbers = NUMBER_FIELDS.flatMap((k) => {
    const value = named(config.fields[k]).find((v) => typeof v?.number === "number")?.number;
    return typeof value === "number" ? [[k, value]] : [];
  });
  const respondBy = named(config.fields.respond_by).find((v) => typeof v?.date === "string")?.date;
  return {
    id: node.id,
    archived: node.isArchived,
    values: Object.fromEntries(
      node.fieldValues.nodes.flatMap((v) =>
        v?.name && v.field?.name ? [[v.field.name, v.name]] : [],
      ),
    ),
    ...Object.fromEntries(numbers),
    ...(respondBy ? { respondBy } : {}),
  };
}

/**
 * One write for an issue the app has not filed yet: the card added (or found, if someone added
 * it already), read back with the board's cards for ordering; the labels with these ids added
 * too. `labeled` says whether they were.
 */
export async function addIssueToBoard(
  github: GitHub,
  meta: BoardMeta,
  config: BoardConfig,
  issueId: string,
  labelIds: readonly string[] = [],
): Promise<IssueOnBoard & { labeled: boolean }> {
  const withLabels = labelIds.length > 0;
  const { result, labeled } = await addAndRead(github, addAndReadMutation(withLabels), {
    project: meta.projectId,
    content: issueId,
    status: config.status_field,
    severity: config.fields.severity,
    tier: config.fields.tier,
    ...(withLabels ? { labels: labelIds } : {}),
  });
  const added = result.addProjectV2ItemById?.item;
  if (!added) throw new BoardError("GitHub did not return the card it added");
  const items = added.project.items;
  const morePages = nextPage(items);
  return {
    issueId,
    createdAt: added.content?.createdAt ?? "",
    item: actualItem(added, config),
    ready: readyCards(items, config),
    ...(morePages ? { morePages } : {}),
    labeled,
  };
}

/**
 * Send the add-and-read document. GitHub answers a document whose labels part failed (a label
 * deleted since its id was cached) with the card all the same, and an error: the card stands,
 * and the labels are reported not added.
 */
async function addAndRead(
  github: GitHub,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ result: AddAndReadResult; labeled: boolean }> {
  const withLabels = "labels" in variables;
  try {
    return {
      result: await github.graphql<AddAndReadResult>(query, variables),
      labeled: withLabels,
    };
  } catch (error) {
    const partial = (error as { data?: AddAndReadResult | null }).data;
    if (withLabels && partial?.addProjectV2ItemById?.item && !partial.labels) {
      return { result: partial, labeled: false };
    }
    throw error;
  }
}

/** One read: the issue's card (if any) and the cards now in Ready (of the first hundred), for ordering. */
export async function readIssueOnBoard(
  github: GitHub,
  meta: BoardMeta,
  config: BoardConfig,
  ref: { owner: string; repo: string; issue_number: number },
): Promise<IssueOnBoard> {
  const result = await github.graphql<ItemQueryResult>(ITEM_QUERY, {
    owner: ref.owner,
    repo: ref.repo,
    number: ref.issue_number,
    project: meta.projectId,
    status: config.status_field,
    severity: config.fields.severity,
    tier: config.fields.tier,
  });
  const issue = result.repository?.issue;
  if (!issue)
    throw new BoardError(`issue ${ref.owner}/${ref.repo}#${ref.issue_number} was not found`);
  const node = issue.projectItems.nodes.find((n) => n?.project.id === meta.projectId) ?? undefined;
  const item = node ? actualItem(node, config) : undefined;
  const items = result.node?.items;
  const morePages = nextPage(items);
  return {
    issueId: issue.id,
    createdAt: issue.createdAt,
    item,
    ready: readyCards(items, config),
    ...(morePages ? { morePages } : {}),
  };
}

const ADD_ITEM = `mutation SysadminPipeAdd($project: ID!, $content: ID!) {
  addProjectV2ItemById(input: { projectId: $project, contentId: $content }) { item { id } }
}`;

const ARCHIVE_ITEM = `mutation SysadminPipeArchive($project: ID!, $item: ID!) {
  archiveProjectV2Item(input: { projectId: $project, itemId: $item }) { item { id } }
}`;

const UNARCHIVE_ITEM = `mutation SysadminPipeUnarchive($project: ID!, $item: ID!) {
  unarchiveProjectV2Item(input: { projectId: $project, itemId: $item }) { item { id } }
}`;

function fieldId(meta: BoardMeta, name: string) {
  const f = meta.fields.get(nameKey(name));
  if (!f)
    throw new BoardError(`the project has no field \`${name}\`: run \`sysadmin-pipe board setup\``);
  return f;
}

/** An option or field the configuration names but the project lacks. */
function idsFor(meta: BoardMeta, config: BoardConfig, field: BoardWrites["set"][number]) {
  const name = field.field === "status" ? config.status_field : config.fields[field.field];
  const f = fieldId(meta, name);
  const option = f.options.get(nameKey(field.option));
  if (!option)
    throw new BoardError(
      `the field \`${name}\` has no option \`${field.option}\`: run \`sysadmin-pipe board setup\``,
    );
  return { fieldId: f.id, optionId: option };
}

/** A document being put together: its variables, their declarations and its mutations. */
interface Document {
  variables: Record<string, unknown>;
  declared: string[];
  parts: string[];
}

/**
 * Write (or, with null, empty) a number or date field, under the alias `key`: `$<key>Field` names
 * the field and `$<key>` holds the value.
 */
function valuePart(
  doc: Document,
  key: string,
  fieldId: string,
  value: { number: number } | { date: string } | null,
): void {
  doc.variables[`${key}Field`] = fieldId;
  doc.declared.push(`, $${key}Field: ID!`);
  const input = `input: { projectId: $project, itemId: $item, fieldId: $${key}Field`;
  if (value === null) {
    doc.parts.push(`  ${key}: clearProjectV2ItemFieldValue(${input} }) { projectV2Item { id } }`);
    return;
  }
  const [kind, type] = "number" in value ? ["number", "Float"] : ["date", "Date"];
  doc.variables[key] = "number" in value ? value.number : value.date;
  doc.declared.push(`, $${key}: ${type}!`);
  doc.parts.push(
    `  ${key}: updateProjectV2ItemFieldValue(${input}, value: { ${kind}: $${key} } }) { projectV2Item { id } }`,
  );
}

/**
 * One mutation document for all field values and the position: aliases let GitHub apply them
 * in one request (mutations in a document run in order).
 */
function fieldsMutation(
  meta: BoardMeta,
  config: BoardConfig,
  itemId: string,
  change: FieldChange,
): { query: string; variables: Record<string, unknown> } | undefined {
  const { set, after: afterId, numbers = {}, respondBy } = change;
  const doc: Document = {
    variables: { project: meta.projectId, item: itemId },
    declared: [],
    parts: [],
  };
  set.forEach((s, i) => {
    const { fieldId, optionId } = idsFor(meta, config, s);
    doc.variables[`f${i}`] = fieldId;
    doc.variables[`o${i}`] = optionId;
    doc.declared.push(`, $f${i}: ID!, $o${i}: String!`);
    doc.parts.push(
      `  set${i}: updateProjectV2ItemFieldValue(input: { projectId: $project, itemId: $item, fieldId: $f${i}, value: { singleSelectOptionId: $o${i} } }) { projectV2Item { id } }`,
    );
  });
  for (const k of NUMBER_FIELDS) {
    const value = numbers[k];
    if (value === undefined) continue;
    valuePart(
      doc,
      k,
      fieldId(meta, config.fields[k]).id,
      value === null ? null : { number: value },
    );
  }
  if (respondBy !== undefined) {
    const id = fieldId(meta, config.fields.respond_by).id;
    valuePart(doc, "respondBy", id, respondBy === null ? null : { date: respondBy });
  }
  if (afterId !== undefined) {
    doc.variables.after = afterId;
    doc.declared.push(", $after: ID");
    doc.parts.push(
      "  place: updateProjectV2ItemPosition(input: { projectId: $project, itemId: $item, afterId: $after }) { clientMutationId }",
    );
  }
  if (!doc.parts.length) return undefined;
  return {
    query: `mutation SysadminPipeFields($project: ID!, $item: ID!${doc.declared.join("")}) {\n${doc.parts.join("\n")}\n}`,
    variables: doc.variables,
  };
}

/** Put the issue on the board (adding one already there returns it): the card's id. */
export async function addCard(github: GitHub, meta: BoardMeta, issueId: string): Promise<string> {
  const added = await github.graphql<{ addProjectV2ItemById: { item: { id: string } } }>(ADD_ITEM, {
    project: meta.projectId,
    content: issueId,
  });
  return added.addProjectV2ItemById.item.id;
}

export async function archiveCard(github: GitHub, meta: BoardMeta, itemId: string): Promise<void> {
  await github.graphql(ARCHIVE_ITEM, { project: meta.projectId, item: itemId });
}

export async function unarchiveCard(
  github: GitHub,
  meta: BoardMeta,
  itemId: string,
): Promise<void> {
  await github.graphql(UNARCHIVE_ITEM, { project: meta.projectId, item: itemId });
}

/**
 * The number writes the board can take, and the fields it lacks: a board set up before a number
 * field existed (Estimate) still gets its status and other fields; `board setup` adds the field.
 */
export function numbersTheBoardHas(
  meta: BoardMeta,
  config: BoardConfig,
  numbers: BoardWrites["numbers"],
): { numbers: BoardWrites["numbers"]; missing: string[] } {
  const missing = NUMBER_FIELDS.filter(
    (k) => numbers[k] !== undefined && !meta.fields.has(nameKey(config.fields[k])),
  );
  const kept = Object.fromEntries(
    Object.entries(numbers).filter(([k]) => !missing.includes(k as NumberField)),
  );
  return { numbers: kept, missing: missing.map((k) => config.fields[k]) };
}

/** The Respond by write the board can take: none on a board set up before the field existed. */
export function respondByTheBoardHas(
  meta: BoardMeta,
  config: BoardConfig,
  respondBy: BoardWrites["respondBy"],
): { respondBy: BoardWrites["respondBy"]; missing: string[] } {
  const name = config.fields.respond_by;
  if (respondBy === undefined || meta.fields.has(nameKey(name))) return { respondBy, missing: [] };
  return { respondBy: undefined, missing: [name] };
}

/** What one fields write changes on a card: `after` places it in Ready (null: at the top). */
export interface FieldChange {
  set: BoardWrites["set"];
  after: string | null | undefined;
  numbers?: BoardWrites["numbers"];
  respondBy?: BoardWrites["respondBy"];
}

/** Set the card's fields, numbers, Respond by and place in Ready in one request; nothing to set,
 * no request. */
export async function setCardFields(
  github: GitHub,
  meta: BoardMeta,
  config: BoardConfig,
  itemId: string,
  change: FieldChange,
): Promise<void> {
  const mutation = fieldsMutation(meta, config, itemId, change);
  if (mutation) await github.graphql(mutation.query, mutation.variables);
}

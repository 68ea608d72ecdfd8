// An in-memory GitHub Projects (v2) board answering the app's GraphQL documents, so board tests
// read like the domain. Every document it receives is also checked against GitHub's schema
// (the scope is watched by the schema check).
import nock from "nock";

interface Option {
  id: string;
  name: string;
  color: string;
  description: string;
}

export interface Field {
  id: string;
  name: string;
  dataType: string;
  options: Option[];
}

export interface Card {
  id: string;
  issue: number;
  archived: boolean;
  values: Record<string, string>;
  createdAt: string;
  /** Number fields' values by field name ("Hours", "Estimate"). */
  numbers: Record<string, number>;
  /** Date fields' days (YYYY-MM-DD) by field name ("Respond by"). */
  dates: Record<string, string>;
}

const DEFAULT_FIELDS: [string, string[]][] = [
  ["Status", ["Inbox", "Emergency", "Ready", "In progress", "Jobs board", "Done"]],
  ["Severity", ["S0", "S1", "S2", "S3"]],
  ["Size", ["XS", "S", "M", "L"]],
  ["Tier", ["none", "basic", "full"]],
  [
    "Instance",
    [
      "au",
      "uk",
      "fr",
      "ca",
      "es",
      "us",
      "be",
      "de",
      "ie",
      "nz",
      "in",
      "it",
      "ch",
      "za",
      "br",
      "co",
      "cr",
      "hu",
      "gr",
      "fi",
      "no",
    ],
  ],
];

type Vars = Record<string, unknown>;

/**
 * Puts labels (by GraphQL id) on an issue (by GraphQL id), as addLabelsToLabelable does; returns
 * GitHub's error message when an id resolves to nothing.
 */
export type Labeler = (labelableId: string, labelIds: string[]) => string | undefined;

export class FakeBoard {
  readonly projectId = "PVT_kwDOsysadminpipe";
  fields: Field[];
  cards: Card[] = [];
  calls: { operation: string; variables: Vars }[] = [];
  /** The project does not exist (or the app cannot see it). */
  missing = false;
  /** Label ids added to each issue id (the fake GitHub puts them on its issues instead). */
  labels = new Map<string, string[]>();
  labeler: Labeler = (issue, ids) => {
    this.labels.set(issue, [...new Set([...(this.labels.get(issue) ?? []), ...ids])]);
    return undefined;
  };
  private generation = 0;
  private nextCard = 1;

  /** A board set up for the app; `empty` gives a new project's own fields only. */
  constructor(shape: "ready" | "empty" = "ready") {
    if (shape === "empty") {
      // A new project has a Status field with GitHub's three default columns.
      this.fields = [
        { id: "PVTSSF_status", name: "Status", dataType: "SINGLE_SELECT", options: [] },
      ];
      this.fields[0]!.options = ["Todo", "In Progress", "Done"].map((o, j) => this.option(o, 0, j));
      this.fields.push({ id: "PVTF_title", name: "Title", dataType: "TITLE", options: [] });
      return;
    }
    this.fields = DEFAULT_FIELDS.map(([name, options], i) => ({
      id: `PVTSSF_${i}`,
      name,
      dataType: "SINGLE_SELECT",
      options: options.map((o, j) => this.option(o, i, j)),
    }));
    this.fields.push({ id: "PVTF_hours", name: "Hours", dataType: "NUMBER", options: [] });
    this.fields.push({ id: "PVTF_estimate", name: "Estimate", dataType: "NUMBER", options: [] });
    this.fields.push({ id: "PVTF_respond_by", name: "Respond by", dataType: "DATE", options: [] });
  }

  private option(name: string, field: number, index: number): Option {
    return { id: `opt${field}_${index}_g${this.generation}`, name, color: "GRAY", description: "" };
  }

  field(name: string): Field | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /** Someone edited the project: every option gets a new id, so cached ids go stale. */
  renewOptionIds(): void {
    this.generation++;
    this.fields.forEach((f, i) =>
      f.options.forEach((o, j) => (o.id = `opt${i}_${j}_g${this.generation}`)),
    );
  }

  /** A card already on the board, in the given column. */
  addCard(issue: number, values: Record<string, string>, createdAt = "2026-01-01T00:00:00Z"): Card {
    const card = {
      id: `PVTI_${this.nextCard++}`,
      issue,
      archived: false,
      values,
      createdAt,
      numbers: {},
      dates: {},
    };
    this.cards.push(card);
    return card;
  }

  card(issue: number): Card | undefined {
    return this.cards.find((c) => c.issue === issue);
  }

  /** Titles of the mutations received, in order (reads excluded). */
  mutations(): string[] {
    return this.calls
      .filter(
        (c) =>
          !["SysadminPipeProject", "SysadminPipeItem", "SysadminPipeItems"].includes(c.operation),
      )
      .map((c) => c.operation);
  }

  intercept(scope: nock.Scope, issueCreatedAt = "2026-11-20T10:00:00Z"): nock.Scope {
    return scope
      .post("/graphql")
      .times(50)
      .reply(200, (_uri, body) => {
        const { query, variables = {} } = body as { query: string; variables?: Vars };
        return this.respond(query, variables, issueCreatedAt);
      });
  }

  /** Answer one GraphQL document as GitHub would (for nock and the fake GitHub server). */
  respond(query: string, variables: Vars = {}, issueCreatedAt = "2026-11-20T10:00:00Z"): object {
    const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous";
    this.calls.push({ operation, variables });
    return this.answer(operation, query, variables, issueCreatedAt);
  }

  private answer(operation: string, query: string, v: Vars, createdAt: string): object {
    switch (operation) {
      case "SysadminPipeProject":
        return { data: { repositoryOwner: { projectV2: this.missing ? null : this.project() } } };
      case "SysadminPipeItem":
        return { data: this.item(query, v, createdAt) };
      case "SysadminPipeItems":
        return { data: { node: { items: this.items(query, v) } } };
      case "SysadminPipeAddAndRead":
        return this.withLabels(query, v, this.addAndRead(query, v, createdAt));
      case "SysadminPipeAdd":
        return { data: { addProjectV2ItemById: { item: { id: this.add(v, createdAt).id } } } };
      case "SysadminPipeArchive":
      case "SysadminPipeUnarchive":
        this.byId(String(v.item)).archived = operation === "SysadminPipeArchive";
        return { data: { item: { item: { id: v.item } } } };
      case "SysadminPipeFields":
        return this.setFields(query, v);
      case "SysadminPipeCreateField":
        return this.createField(v);
      case "SysadminPipeAddOptions":
        return this.replaceOptions(v);
      default:
        return { errors: [{ message: `fake board: unexpected operation ${operation}` }] };
    }
  }

  private project() {
    return {
      id: this.projectId,
      title: "Sysadmin pipe",
      fields: {
        nodes: this.fields.map((f) => ({
          id: f.id,
          name: f.name,
          dataType: f.dataType,
          ...(f.dataType === "SINGLE_SELECT" ? { options: f.options } : {}),
        })),
      },
    };
  }

  private item(doc: string, v: Vars, createdAt: string) {
    const card = this.card(Number(v.number));
    return {
      repository: {
        issue: {
          id: `I_issue${String(v.number)}`,
          createdAt,
          projectItems: {
            nodes: card ? [this.itemNode(card)] : [],
          },
        },
      },
      node: { items: this.items(doc, v) },
    };
  }

  /**
   * A page of the board's (unarchived) cards in board order, as GitHub pages a connection: at
   * most `first`, after the cursor `after`, with pageInfo.
   */
  private items(doc: string, v: Vars) {
    const first = Number(/items\(first: (\d+)/.exec(doc)?.[1] ?? 100);
    const from = typeof v.after === "string" ? Number(/^cursor:(\d+)$/.exec(v.after)?.[1]) : 0;
    const cards = this.cards.filter((c) => !c.archived);
    const page = cards.slice(from, from + first);
    const value = (c: Card, name: unknown) =>
      c.values[String(name)] ? { name: c.values[String(name)] } : null;
    return {
      pageInfo: {
        hasNextPage: from + first < cards.length,
        endCursor: page.length ? `cursor:${from + page.length}` : null,
      },
      nodes: page.map((c) => ({
        id: c.id,
        status: value(c, v.status),
        severity: value(c, v.severity),
        tier: value(c, v.tier),
        content: { createdAt: c.createdAt },
      })),
    };
  }

  /** A card as the app reads it (ITEM_FIELDS). */
  private itemNode(card: Card) {
    return {
      id: card.id,
      isArchived: card.archived,
      project: { id: this.projectId },
      fieldValues: {
        nodes: [
          ...Object.entries(card.values).map(([field, name]) => ({ name, field: { name: field } })),
          ...Object.entries(card.numbers).map(([field, number]) => ({
            number,
            field: { name: field },
          })),
          ...Object.entries(card.dates).map(([field, date]) => ({ date, field: { name: field } })),
        ],
      },
    };
  }

  /** addProjectV2ItemById with the card and the board read back in the same document. */
  private addAndRead(doc: string, v: Vars, createdAt: string) {
    const card = this.add(v, createdAt);
    return {
      addProjectV2ItemById: {
        item: {
          ...this.itemNode(card),
          content: { createdAt: card.createdAt },
          project: { items: this.items(doc, v) },
        },
      },
    };
  }

  /**
   * A document's addLabelsToLabelable, under its alias, run after the mutations before it. As on
   * GitHub, a part that fails is null with an error naming its path; the others stand.
   */
  private withLabels(doc: string, v: Vars, data: object): object {
    const alias = /(?:(\w+)\s*:\s*)?addLabelsToLabelable\b/.exec(doc);
    if (!alias) return { data };
    const key = alias[1] ?? "addLabelsToLabelable";
    const call = doc.slice(alias.index);
    const variable = (arg: string) => v[new RegExp(`${arg}:\\s*\\$(\\w+)`).exec(call)?.[1] ?? ""];
    const refused = this.labeler(String(variable("labelableId")), variable("labelIds") as string[]);
    if (!refused) return { data: { ...data, [key]: { clientMutationId: null } } };
    return {
      data: { ...data, [key]: null },
      errors: [{ type: "NOT_FOUND", path: [key], message: refused }],
    };
  }

  private add(v: Vars, createdAt: string): Card {
    const issue = Number(/^I_issue(\d+)$/.exec(String(v.content))?.[1]);
    return this.card(issue) ?? this.addCard(issue, {}, createdAt);
  }

  private byId(id: string): Card {
    const card = this.cards.find((c) => c.id === id);
    if (!card) throw new Error(`fake board: no card ${id}`);
    return card;
  }

  private setFields(query: string, v: Vars): object {
    const card = this.byId(String(v.item));
    for (let i = 0; v[`f${i}`] !== undefined; i++) {
      const field = this.fields.find((f) => f.id === v[`f${i}`]);
      const option = field?.options.find((o) => o.id === v[`o${i}`]);
      if (!field || !option) {
        return {
          data: null,
          errors: [
            {
              type: "INVALID",
              message: "The single select option Id does not belong to the field",
            },
          ],
        };
      }
      card.values[field.name] = option.name;
    }
    // Number and date fields: `$<key>Field` names the field; `$<key>` its value, or the part
    // clears it.
    for (const [name, id] of Object.entries(v)) {
      const key = /^(\w+)Field$/.exec(name)?.[1];
      if (!key) continue;
      const refused = this.setValue(card, query, name, String(id), v[key]);
      if (refused) return { data: null, errors: [{ type: "INVALID", message: refused }] };
    }
    if (query.includes("updateProjectV2ItemPosition")) {
      this.cards = this.cards.filter((c) => c !== card);
      const at = v.after ? this.cards.findIndex((c) => c.id === v.after) + 1 : 0;
      this.cards.splice(at, 0, card);
    }
    return { data: {} };
  }

  /**
   * One number or date part of a fields mutation, as GitHub applies it: a value must suit the
   * field's type (a date on a number field is refused); clearing empties any field. Returns
   * GitHub's refusal, if any.
   */
  private setValue(
    card: Card,
    query: string,
    variable: string,
    fieldId: string,
    value: unknown,
  ): string | undefined {
    const field = this.fields.find((f) => f.id === fieldId);
    if (!field) return "Could not resolve to a node with the global id of the field";
    const part = new RegExp(`(\\w+)\\(input: \\{[^}]*\\$${variable}\\b[^)]*\\)`).exec(query);
    if (part?.[1] === "clearProjectV2ItemFieldValue") {
      delete card.numbers[field.name];
      delete card.dates[field.name];
      return undefined;
    }
    const kind = /value: \{ (number|date):/.exec(part?.[0] ?? "")?.[1];
    if (kind === "number" && field.dataType === "NUMBER") card.numbers[field.name] = Number(value);
    else if (kind === "date" && field.dataType === "DATE") card.dates[field.name] = String(value);
    else return `The field ${field.name} is not a ${kind ?? "settable"} field`;
    return undefined;
  }

  private createField(v: Vars): object {
    const id = `PVTF_new${this.fields.length}`;
    const options = (v.options as Omit<Option, "id">[] | null) ?? [];
    const index = this.fields.length;
    this.fields.push({
      id,
      name: String(v.name),
      dataType: String(v.type),
      options: options.map((o, j) => ({ ...o, id: `opt${index}_${j}_g${this.generation}` })),
    });
    return { data: { createProjectV2Field: { projectV2Field: { id, name: v.name } } } };
  }

  /** GitHub's updateProjectV2Field replaces the whole option list (new ids for every option). */
  private replaceOptions(v: Vars): object {
    const field = this.fields.find((f) => f.id === v.field);
    if (!field) return { data: null, errors: [{ type: "NOT_FOUND", message: "no such field" }] };
    const index = this.fields.indexOf(field);
    this.generation++;
    field.options = (v.options as Omit<Option, "id">[]).map((o, j) => ({
      ...o,
      id: `opt${index}_${j}_g${this.generation}`,
    }));
    return {
      data: { updateProjectV2Field: { projectV2Field: { id: field.id, name: field.name } } },
    };
  }
}

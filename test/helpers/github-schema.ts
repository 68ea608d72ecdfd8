// Every mocked GitHub request is checked against GitHub's own descriptions: REST calls against
// the OpenAPI description (@octokit/openapi), GraphQL documents against the GraphQL schema
// (@octokit/graphql-schema). A mock that GitHub would reject fails the test.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  buildSchema,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import nock from "nock";
import { schema as githubGraphql } from "@octokit/graphql-schema";

const require = createRequire(import.meta.url);

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface Operation {
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
}
interface Route {
  template: string;
  regex: RegExp;
  literals: number;
  methods: Record<string, Operation>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter> };
}

let spec: Spec | undefined;
let routes: Route[] = [];
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction | null>();

function load(): Spec {
  if (spec) return spec;
  const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
  spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
  routes = Object.entries(spec.paths).map(([template, methods]) => ({
    template,
    regex: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "([^/]+)")}$`,
    ),
    literals: template.split("/").filter((s) => s && !s.startsWith("{")).length,
    methods,
  }));
  // Literal segments beat templated ones: /issues/comments/{id} before /issues/{number}/...
  routes.sort((a, b) => b.literals - a.literals);
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
  ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
  addFormats(ajv);
  // The components are added once; request bodies refer into them.
  ajv.addSchema({
    $id: "github",
    components: (spec as unknown as { components: object }).components,
  });
  return spec;
}

function resolveParameter(p: Parameter | { $ref: string }, s: Spec): Parameter | undefined {
  if ("$ref" in p) return s.components.parameters[p.$ref.split("/").pop() ?? ""];
  return p;
}

/**
 * Point refs at the loaded description, and express OpenAPI 3.0's `nullable` next to a
 * `oneOf`/`anyOf` without `type` (e.g. an issue's `milestone`) as "or null", which JSON Schema
 * (and Ajv) understands.
 */
function rewriteRefs(schema: unknown): unknown {
  const text = JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"github#/');
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const node = value as Record<string, unknown>;
      if (node.nullable === true && node.type === undefined) {
        const rest = { ...node };
        delete rest.nullable;
        return { anyOf: [rest, { type: "null" }] };
      }
    }
    return value;
  });
}

function bodyValidator(key: string, operation: Operation): ValidateFunction | null {
  if (!validators.has(key)) {
    const schema = operation.requestBody?.content?.["application/json"]?.schema;
    validators.set(key, schema ? ajv!.compile(rewriteRefs(schema) as object) : null);
  }
  return validators.get(key) ?? null;
}

/** Problems with one REST request, in words; empty when GitHub would accept it. */
export function validateRestRequest(method: string, url: string, body: unknown): string[] {
  const s = load();
  const parsed = new URL(url, "https://api.github.com");
  const path = parsed.pathname;
  const verb = method.toLowerCase();
  const label = `${method.toUpperCase()} ${path}${parsed.search}`;
  const route = routes.find((r) => r.regex.test(path) && r.methods[verb]);
  if (!route) return [`${label}: no such endpoint in GitHub's REST API`];
  const operation = route.methods[verb]!;
  const problems: string[] = [];
  const params = (operation.parameters ?? [])
    .map((p) => resolveParameter(p, s))
    .filter((p): p is Parameter => !!p);
  const query = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
  for (const name of parsed.searchParams.keys()) {
    if (!query.has(name))
      problems.push(`${label}: unknown query parameter \`${name}\` for ${route.template}`);
  }
  const hasBody = body !== undefined && body !== null && body !== "";
  const validator = bodyValidator(`${verb} ${route.template}`, operation);
  if (!operation.requestBody && hasBody && verb !== "get" && verb !== "delete") {
    problems.push(`${label}: ${route.template} takes no request body`);
  }
  if (operation.requestBody?.required && !hasBody)
    problems.push(`${label}: a request body is required`);
  if (validator && hasBody && !validator(body)) {
    for (const e of validator.errors ?? []) {
      problems.push(`${label}: body${e.instancePath || ""} ${e.message ?? "is invalid"}`);
    }
  }
  return problems;
}

let graphqlSchema: GraphQLSchema | undefined;

function schema(): GraphQLSchema {
  if (!graphqlSchema) {
    graphqlSchema = buildSchema(githubGraphql.idl, { assumeValidSDL: true });
  }
  return graphqlSchema;
}

// The app sends a handful of fixed documents: validating each text once keeps the fake GitHub
// fast under a burst (validation against GitHub's whole schema takes tens of milliseconds).
const checkedDocuments = new Map<string, { document?: DocumentNode; errors: string[] }>();

function checkDocument(query: string): { document?: DocumentNode; errors: string[] } {
  const cached = checkedDocuments.get(query);
  if (cached) return cached;
  let result: { document?: DocumentNode; errors: string[] };
  try {
    const document = parse(query);
    result = { document, errors: validate(schema(), document).map((e) => `GraphQL: ${e.message}`) };
  } catch (error) {
    result = { errors: [`GraphQL syntax: ${(error as Error).message}`] };
  }
  if (checkedDocuments.size < 500) checkedDocuments.set(query, result);
  return result;
}

/** Problems with one GraphQL document and its variables; empty when GitHub would accept it. */
export function validateGraphqlRequest(
  query: string,
  variables: Record<string, unknown> = {},
): string[] {
  const { document, errors } = checkDocument(query);
  if (errors.length || !document) return errors;
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === "OperationDefinition",
  );
  if (!operation) return ["GraphQL: no operation in the document"];
  const coerced = getVariableValues(schema(), operation.variableDefinitions ?? [], variables);
  return (coerced.errors ?? []).map((e) => `GraphQL variables: ${e.message}`);
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface SchemaCheck {
  requests: RecordedRequest[];
  problems: () => string[];
  reset: () => void;
  /** Record and check every request that this nock scope answers. */
  watch: (scope: nock.Scope) => nock.Scope;
}

function parseBody(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Use `check.watch(nock(API))` for every GitHub mock; assert `check.problems()` is empty. */
export function installGitHubSchemaCheck(): SchemaCheck {
  const requests: RecordedRequest[] = [];
  const found: string[] = [];
  const record = (
    req: { method?: string; path?: string },
    _interceptor: unknown,
    bodyText?: string,
  ) => {
    const request = {
      method: req.method ?? "GET",
      path: req.path ?? "/",
      body: parseBody(bodyText),
    };
    requests.push(request);
    if (request.method === "POST" && request.path.split("?")[0] === "/graphql") {
      const { query, variables } = (request.body ?? {}) as {
        query?: string;
        variables?: Record<string, unknown>;
      };
      found.push(...validateGraphqlRequest(query ?? "", variables));
    } else {
      found.push(...validateRestRequest(request.method, request.path, request.body));
    }
  };
  return {
    requests,
    problems: () => [...found],
    reset: () => {
      requests.length = 0;
      found.length = 0;
    },
    watch: (scope) => scope.on("request", record),
  };
}

/**
 * After each test: forget the mocks and the recorded requests, then fail the test if any request
 * was one GitHub would refuse (or, with `noPendingMocks`, if an expected request never came).
 * Resetting first keeps one test's problems from being blamed on the next.
 */
export function checkAfterEachTest(check: SchemaCheck, options: { noPendingMocks?: boolean } = {}) {
  afterEach(() => {
    const problems = check.problems();
    const pending = nock.pendingMocks();
    check.reset();
    nock.cleanAll();
    expect(problems).toEqual([]);
    if (options.noPendingMocks) expect(pending).toEqual([]);
  });
}

// Loading a YAML file people edit by hand: parse with positions, validate with zod, and explain
// every problem with file, line and column in words a non-programmer understands.
import {
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type YAMLError,
} from "yaml";
import type { z } from "zod";
import { codeSpan, plainText } from "../markup/inert.js";

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export type LoadResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** Describes where a path points, e.g. ["instances","fr","tier"] -> "instance `fr`". */
export type PathDescriber = (path: readonly (string | number)[]) => string;

/**
 * The largest registry, policy or form file read. The real registry is under 5 KB for 21
 * instances and the largest policy file under 13 KB: 128 KiB leaves room for 25 times as many
 * instances or ten times the signal words, and reading a file that size takes under half a
 * second, so a health check is still answered while a pull request's files are checked.
 */
export const MAX_CONFIG_BYTES = 128 * 1024;
const MAX_PROBLEMS = 50;

const defaultDescriber: PathDescriber = (path) => path.map(String).join(" › ");

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n");
}

/** In line order, so people can fix the file from top to bottom (stable for equal positions). */
function inLineOrder(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function capped(problems: ConfigProblem[]): ConfigProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const last = problems[MAX_PROBLEMS - 1]!;
  return [
    ...problems.slice(0, MAX_PROBLEMS - 1),
    { ...last, message: `…and ${problems.length - MAX_PROBLEMS + 1} more problems` },
  ];
}

const OVER_INDENTED =
  "this line is indented differently from the fields around it; fields of the same instance must line up";
const BAD_INDENT =
  "this line is indented differently from the lines above it; entries at the same level must start in the same column";
const BAD_LIST_ITEM =
  "this list item is indented differently from the one above it; the `-` of every item must be in the same column";

/** Plain words for the YAML parser's error codes; `at` is where the offending text starts. */
function yamlMessage(error: YAMLError, text: string, at: number): string {
  const detail =
    error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? error.message;
  switch (error.code) {
    case "DUPLICATE_KEY":
      return `${codeSpan(keyAt(text, at) ?? "this key", 60)} appears twice here; each entry must be listed once`;
    case "BAD_INDENT":
      return BAD_INDENT;
    case "BLOCK_AS_IMPLICIT_KEY":
      if (text[at] === "-") return BAD_LIST_ITEM;
      return `the indentation or punctuation is off here (${plainText(detail, 200)})`;
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return `the indentation or punctuation is off here (${plainText(detail, 200)})`;
    case "TAB_AS_INDENT":
      return "a tab is used for indentation here; YAML needs spaces";
    default:
      return `this is not valid YAML (${plainText(detail, 200)})`;
  }
}

function keyAt(text: string, offset: number): string | undefined {
  return /^\s*["']?([^:"'\n]+)/.exec(text.slice(offset, offset + 200))?.[1]?.trim();
}

/**
 * The parser reports a wrongly indented key at the line above it (where the value seemed to
 * continue). Point at the line people must fix: the next one, when it is indented deeper and
 * looks like a key.
 */
function overIndentedLine(text: string, line: number): number | undefined {
  const all = text.split("\n");
  const indent = (l: string | undefined) => (l === undefined ? 0 : l.length - l.trimStart().length);
  const next = all[line];
  if (next !== undefined && /^\s*[\w-]+\s*:/.test(next) && indent(next) > indent(all[line - 1])) {
    return line + 1;
  }
  return undefined;
}

/** The parser points indentation errors at the line start; people look for the misplaced text. */
function textStart(text: string, offset: number): number {
  let at = offset;
  while (text[at] === " ") at++;
  return at;
}

function syntaxProblem(error: YAMLError, text: string, file: string, lines: LineCounter) {
  const { line } = lines.linePos(error.pos[0]);
  const culprit = error.code.endsWith("IMPLICIT_KEY") ? overIndentedLine(text, line) : undefined;
  const at = textStart(text, culprit ? lines.lineStarts[culprit - 1]! : error.pos[0]);
  const { line: atLine, col } = lines.linePos(at);
  const message = culprit ? OVER_INDENTED : yamlMessage(error, text, at);
  return { parserLine: line, problem: { file, line: atLine, column: col, message } };
}

/** The parser's errors that are not echoes of an earlier mistake. */
function rootErrors(errors: readonly YAMLError[]): YAMLError[] {
  const inOrder = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  // A tab or a badly indented line throws the parser's idea of indentation off for the rest
  // of the file; what it reports after them is mostly their echo.
  const tabs = inOrder.filter((error) => error.code === "TAB_AS_INDENT");
  if (tabs.length) return tabs;
  const badIndent = inOrder.findIndex((error) => error.code === "BAD_INDENT");
  return badIndent < 0 ? inOrder : inOrder.slice(0, badIndent + 1);
}

function syntaxProblems(
  doc: Document,
  text: string,
  file: string,
  lines: LineCounter,
): ConfigProblem[] {
  const seen = new Set<number>();
  return rootErrors(doc.errors).flatMap((error) => {
    const { parserLine, problem } = syntaxProblem(error, text, file, lines);
    // One mistake often yields several parser errors on its line (or the one above): say it once.
    if (seen.has(parserLine) || seen.has(problem.line)) return [];
    seen.add(parserLine).add(problem.line);
    return [problem];
  });
}

/** The YAML node a path points to, or the deepest one that exists. Keys point at the key. */
function nodeAt(
  doc: Document,
  path: readonly PropertyKey[],
  pointAtKey: string | undefined,
): Node | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
    if (node && typeof node === "object" && "range" in node) {
      if (pointAtKey !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === pointAtKey);
        if (pair && isScalar(pair.key)) return pair.key;
      }
      return node;
    }
  }
  return null;
}

function position(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string) {
  const node = nodeAt(doc, path, key);
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function valueWords(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a group of fields";
  return codeSpan(String(value), 60);
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a group of fields",
  date: "a date like 2026-05-01",
};

type Issue = z.core.$ZodIssue;

function getAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** One zod issue in plain words (without the "where" prefix). */
function issueWords(issue: Issue, input: unknown): string {
  const last = issue.path[issue.path.length - 1];
  // A field's name can be any key the file has (an instance's code): Markdown-inert, as the
  // problems are shown in the Tier registry check.
  const key = last === undefined || typeof last === "number" ? undefined : String(last);
  const field =
    key === undefined ? (last === undefined ? "the file" : "this entry") : plainText(key, 60);
  const got = getAt(input, issue.path);
  const named = typeof last === "string";
  if (
    got === undefined &&
    named &&
    (issue.code === "invalid_type" || issue.code === "invalid_value")
  ) {
    return `${codeSpan(key!, 60)} is missing`;
  }
  switch (issue.code) {
    case "invalid_value":
      return `${field} must be ${issue.values.length > 1 ? "one of " : ""}${issue.values.map(String).join(", ")}; got ${valueWords(got)}`;
    case "invalid_type":
      if (got === undefined) return `${key === undefined ? field : codeSpan(key, 60)} is missing`;
      return `${field} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}; got ${valueWords(got)}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => codeSpan(k, 60)).join(", ")}; check the spelling`;
    case "too_small":
      return issue.origin === "number"
        ? `${field} must be at least ${String(issue.minimum)}; got ${valueWords(got)}`
        : `${field} must have at least ${String(issue.minimum)} ${issue.origin === "string" ? "characters" : "entries"}`;
    case "too_big":
      return issue.origin === "number"
        ? `${field} must be at most ${String(issue.maximum)}; got ${valueWords(got)}`
        : `${field} must have at most ${String(issue.maximum)} ${issue.origin === "string" ? "characters" : "entries"}`;
    case "invalid_format":
      return `${field} ${issue.message}; got ${valueWords(got)}`;
    case "invalid_union":
      return `${field} has the wrong form; got ${valueWords(got)}`;
    default:
      return issue.message;
  }
}

function schemaProblems(
  issues: readonly Issue[],
  input: unknown,
  doc: Document,
  lines: LineCounter,
  file: string,
  describe: PathDescriber,
): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((key) => {
      // Unknown keys and missing fields are about the parent; describe the parent.
      const where = describe(issue.path as (string | number)[]);
      const one =
        key !== undefined && issue.code === "unrecognized_keys" ? { ...issue, keys: [key] } : issue;
      const message = issueWords(one, input);
      // A custom problem about a map's key (an instance code) says so: point at the key itself.
      const atKey = issue.code === "custom" && issue.params?.at === "key";
      const spot = atKey
        ? position(doc, lines, issue.path.slice(0, -1), String(issue.path.at(-1)))
        : position(doc, lines, issue.path, key);
      return {
        file,
        ...spot,
        message: where ? `${where}: ${message}` : message,
      };
    });
  });
}

/** A file over MAX_CONFIG_BYTES, refused before it is parsed. */
export function tooLarge(file: string, bytes: number): ConfigProblem {
  const kib = (n: number) => `${Math.ceil(n / 1024).toLocaleString("en")} KiB`;
  return {
    file,
    line: 1,
    column: 1,
    message: `the file is ${kib(bytes)}, larger than the ${kib(MAX_CONFIG_BYTES)} a configuration file may be; is this the right file?`,
  };
}

/** Parse, validate and explain. Never throws, whatever the text. */
export function loadYaml<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  describe: PathDescriber = defaultDescriber,
): LoadResult<T> {
  const at = (message: string, line = 1, column = 1): LoadResult<T> => ({
    ok: false,
    problems: [{ file, line, column, message }],
  });
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_CONFIG_BYTES) return { ok: false, problems: [tooLarge(file, bytes)] };
  try {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length)
      return { ok: false, problems: capped(inLineOrder(syntaxProblems(doc, text, file, lines))) };
    const input: unknown = doc.toJS({ maxAliasCount: 100 });
    if (input === null || input === undefined) return at("the file is empty");
    if (typeof input !== "object" || Array.isArray(input)) {
      return at(
        `the file must be a group of fields (like \`instances:\`); got ${valueWords(input)}`,
      );
    }
    const parsed = schema.safeParse(input);
    if (parsed.success) return { ok: true, value: parsed.data };
    return {
      ok: false,
      problems: capped(
        inLineOrder(schemaProblems(parsed.error.issues, input, doc, lines, file, describe)),
      ),
    };
  } catch (error) {
    // Deeply nested or pathological input can exhaust the parser; say so instead of crashing.
    return at(`the file could not be read as YAML (${(error as Error).message.slice(0, 200)})`);
  }
}

// Turning one line of the CLI's JSON Lines input into an IssueInput.
import { z } from "zod";
import type { IssueInput } from "../triage/types.js";

const Label = z.union([z.string(), z.object({ name: z.string() }).transform((l) => l.name)]);

/** The minimal form: {"repo", "title", "body", "labels"}. */
const Minimal = z.object({
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "repo must be written owner/name"),
  number: z.number().int().optional(),
  title: z.string(),
  body: z.string().nullable().optional(),
  labels: z.array(Label).optional(),
  author: z.string().optional(),
});

/** An issue object as GitHub's REST API returns it. */
const RestIssue = z.object({
  repository_url: z
    .string()
    .regex(/\/repos\/[\w.-]+\/[\w.-]+$/, "repository_url is not a GitHub repository URL"),
  number: z.number().int().optional(),
  title: z.string(),
  body: z.string().nullable().optional(),
  labels: z.array(Label).optional(),
  user: z.object({ login: z.string() }).nullable().optional(),
});

export type ParsedLine = { ok: true; issue: IssueInput } | { ok: false; error: string };

/** GitHub's own limits (256-character titles, 65,536-character bodies) with room for the
 * REST issue's other fields: a longer line did not come from GitHub, and is not parsed. */
const MAX_LINE_CHARS = 256 * 1024;

export function parseIssueLine(line: string): ParsedLine {
  if (line.length > MAX_LINE_CHARS)
    return { ok: false, error: `longer than ${MAX_LINE_CHARS / 1024} KiB; not read` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  if (value && typeof value === "object" && "repository_url" in value) {
    const rest = RestIssue.safeParse(value);
    if (!rest.success) return { ok: false, error: explain(rest.error) };
    const i = rest.data;
    return {
      ok: true,
      issue: {
        repo: i.repository_url.split("/repos/")[1] ?? "",
        number: i.number,
        title: i.title,
        body: i.body ?? "",
        labels: i.labels ?? [],
        author: i.user?.login,
      },
    };
  }
  const minimal = Minimal.safeParse(value);
  if (!minimal.success) return { ok: false, error: explain(minimal.error) };
  const m = minimal.data;
  return {
    ok: true,
    issue: {
      repo: m.repo,
      number: m.number,
      title: m.title,
      body: m.body ?? "",
      labels: m.labels ?? [],
      author: m.author,
    },
  };
}

function explain(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join(".") : "the line";
      const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
      return missing ? `\`${where}\` is missing` : `${where}: ${issue.message}`;
    })
    .join("; ");
}

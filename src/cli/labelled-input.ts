// One line of labelled data for `eval`: an issue in the triage input format plus `answer`, what
// an OFN sysadmin decided (and `source`, the real issue's address).
import { z } from "zod";
import type { LabelledIssue } from "../eval/measure.js";
import { CATEGORIES, KINDS, OUTCOMES, SEVERITIES } from "../registry/vocabulary.js";
import { parseIssueLine } from "./issue-input.js";

const Answer = z.object({
  kind: z.enum(KINDS),
  instances: z.array(z.string()).default([]),
  category: z.enum(CATEGORIES).nullable().optional(),
  category_also_ok: z.array(z.enum(CATEGORIES)).default([]),
  severity: z.enum(SEVERITIES).optional(),
  outcome: z.enum(OUTCOMES).optional(),
});

export type LabelledLine = { ok: true; row: LabelledIssue } | { ok: false; error: string };

const Row = z.object({
  source: z.string().optional(),
  lang: z
    .string()
    .regex(/^[a-z]{2,3}$/, { message: "must be an ISO 639-1 code such as fr" })
    .optional(),
  answer: Answer,
});

export function parseLabelledLine(line: string, where: string): LabelledLine {
  const parsed = parseIssueLine(line);
  if (!parsed.ok) return parsed;
  const row = Row.safeParse(JSON.parse(line));
  if (!row.success) {
    const first = row.error.issues[0];
    return { ok: false, error: `${first?.path.join(".") || "answer"}: ${first?.message}` };
  }
  return {
    ok: true,
    row: {
      source: row.data.source ?? where,
      ...(row.data.lang ? { lang: row.data.lang } : {}),
      issue: parsed.issue,
      answer: row.data.answer,
    },
  };
}

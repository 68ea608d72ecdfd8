// `sysadmin-pipe eval`: run decide() over labelled issues and say how often it agrees with the
// sysadmin who labelled them. With --split, each file is also reported as two fixed halves.
import { readFileSync } from "node:fs";
import type { TriageConfig } from "../registry/triage-config.js";
import {
  figuresOf,
  halfOf,
  judgeRow,
  SPLIT_SEED,
  type Figures,
  type Judged,
  type LabelledIssue,
} from "../eval/measure.js";
import { confusionLines, figureLines, languageLines, missesOf, missLine } from "../eval/render.js";
import { decide } from "../triage/decide.js";
import type { Context } from "./command.js";
import { parseLabelledLine } from "./labelled-input.js";

type EvalValues = { json?: boolean; split?: boolean; seed?: string };

/** `eval FILE...`: a file that can't be read is reported, and the others are still measured. */
export function evalCommand({ values, positionals, io, config }: Context<EvalValues>): number {
  const loaded = config();
  const errors: string[] = [];
  const files = readEvalFiles(positionals, errors);
  const split = values.split || values.seed ? (values.seed ?? SPLIT_SEED) : undefined;
  const run = evalFiles(files, loaded, { json: values.json ?? false, split });
  if (run.out.length) io.stdout(run.out.join("\n") + "\n");
  for (const error of [...errors, ...run.errors]) io.stderr(`${error}\n`);
  return errors.length || run.errors.length ? 1 : 0;
}

export interface EvalOptions {
  json: boolean;
  /** Report each file's two halves (tune, held-out) beside the whole, split with this seed. */
  split?: string;
}

export interface EvalRun {
  out: string[];
  errors: string[];
}

interface Part {
  name: string;
  figures: Figures;
}

function readRows(file: string, text: string, errors: string[]): LabelledIssue[] {
  const rows: LabelledIssue[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const parsed = parseLabelledLine(line, `${file}:${index + 1}`);
    if (parsed.ok) rows.push(parsed.row);
    else errors.push(`${file}: line ${index + 1}: ${parsed.error}`);
  });
  return rows;
}

function partsOf(file: string, judged: Judged[], split: string | undefined): Part[] {
  const parts: Part[] = [];
  if (split) {
    for (const half of ["tune", "held-out"] as const) {
      const rows = judged.filter((j) => halfOf(j.row.source, split) === half);
      parts.push({ name: `${file}, ${half} half (seed ${split})`, figures: figuresOf(rows) });
    }
  }
  parts.push({ name: `${file}, whole`, figures: figuresOf(judged) });
  return parts;
}

/** The rows of each language the set names, in the order they first appear. */
function languagesOf(judged: Judged[]): Part[] {
  const langs = [...new Set(judged.map((j) => j.row.lang).filter((l) => l !== undefined))];
  return langs.map((lang) => ({
    name: lang,
    figures: figuresOf(judged.filter((j) => j.row.lang === lang)),
  }));
}

export function evalFiles(
  files: Record<string, string>,
  config: TriageConfig,
  options: EvalOptions,
): EvalRun {
  const out: string[] = [];
  const errors: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const judged = readRows(file, text, errors).map((row) =>
      judgeRow(row, decide(row.issue, config.registry, config.policy)),
    );
    const parts = partsOf(file, judged, options.split);
    const languages = languagesOf(judged);
    if (options.json) {
      const misses = judged
        .map((j) => ({
          source: j.row.source,
          misses: missesOf(j),
          reason: j.plan.reasons[0] ?? "",
        }))
        .filter((m) => m.misses.length);
      out.push(JSON.stringify({ file, parts, languages, misses }));
      continue;
    }
    for (const part of parts) out.push(...figureLines(part.name, part.figures), "");
    if (languages.length) out.push(...languageLines(languages), "");
    const whole = parts[parts.length - 1]!.figures;
    out.push(...confusionLines(whole), "", `  misses (${file})`);
    out.push(...judged.map(missLine).filter((l): l is string => l !== undefined), "");
  }
  return { out, errors };
}

/** Read the files named on the command line; a file that can't be read is an error line. */
export function readEvalFiles(paths: string[], errors: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of paths) {
    try {
      files[file] = readFileSync(file, "utf8");
    } catch (error) {
      errors.push(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return files;
}

export { SPLIT_SEED };

// `sysadmin-pipe triage`: the same decide() as the app, offline, over JSON Lines.
import type { TriageConfig } from "../registry/triage-config.js";
import { terminalText } from "../markup/inert.js";
import { decide } from "../triage/decide.js";
import type { TriagePlan } from "../triage/types.js";
import { readText, type Context } from "./command.js";
import { parseIssueLine } from "./issue-input.js";

/** `triage [FILE|-]`: standard input unless a file is named. */
export function triageCommand({ values, positionals, io, config }: Context<{ json?: boolean }>) {
  const loaded = config();
  const source = positionals[0] ?? "-";
  const text = source === "-" ? io.readStdin() : readText(source);
  const run = triageLines(text, loaded, values.json ?? false);
  if (run.out.length) io.stdout(run.out.join("\n") + "\n");
  for (const error of run.errors) io.stderr(`${error}\n`);
  return run.errors.length ? 1 : 0;
}

/** The JSON contract of `triage --json` (docs/sysadmin-duty.md, Command line), one object per input line. */
export function planJson(plan: TriagePlan) {
  return {
    kind: plan.kind,
    instances: plan.instances,
    category: plan.category,
    severity: plan.severity,
    size: plan.size,
    outcome: plan.outcome,
    labels: plan.labels,
    reasons: plan.reasons,
  };
}

export interface TriageRun {
  out: string[];
  errors: string[];
}

/** Triage every line; a bad line is reported with its number and the rest still run. */
export function triageLines(text: string, config: TriageConfig, json: boolean): TriageRun {
  const out: string[] = [];
  const errors: string[] = [];
  const rows: string[][] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const parsed = parseIssueLine(line);
    if (!parsed.ok) {
      errors.push(`line ${index + 1}: ${parsed.error}`);
      return;
    }
    let plan: TriagePlan;
    try {
      plan = decide(parsed.issue, config.registry, config.policy);
    } catch (error) {
      // A rule that trips on one issue's text must not cost the other lines their decisions.
      errors.push(`line ${index + 1}: could not be triaged (${String((error as Error).message)})`);
      return;
    }
    if (json) out.push(JSON.stringify(planJson(plan)));
    else rows.push(tableRow(index + 1, parsed.issue.title, plan));
  });
  if (!json) out.push(...table(rows));
  return { out, errors };
}

const HEADER = ["line", "title", "kind", "instances", "category", "sev", "size", "outcome"];

function tableRow(line: number, title: string, plan: TriagePlan): string[] {
  return [
    String(line),
    terminalText(title, 48),
    plan.kind,
    plan.instances.join(",") || "-",
    plan.category ?? "-",
    plan.severity,
    plan.size,
    plan.outcome,
  ];
}

function table(rows: string[][]): string[] {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, col) =>
    Math.max(...all.map((row) => [...(row[col] ?? "")].length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join("  ")
      .trimEnd();
  return [format(HEADER), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(format)];
}

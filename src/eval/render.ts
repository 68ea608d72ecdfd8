// The evaluation as text: figures per field, the kind confusion matrix and the misses.
import { terminalText } from "../markup/inert.js";
import type { Figures, Judged, Rate } from "./measure.js";
import { KIND_COLUMNS } from "./measure.js";

const percent = (r: Rate) => (r.of ? `${((100 * r.hits) / r.of).toFixed(1)} %` : "-");
const figure = (r: Rate, of = "") => `${percent(r).padStart(7)}  (${r.hits}/${r.of}${of})`;

export function figureLines(title: string, f: Figures): string[] {
  const rows: [string, string][] = [
    ["kind", figure(f.kind)],
    ["instances, exact set", figure(f.instances, " instance rows")],
    ["category (or also-ok)", figure(f.category, " instance rows")],
    ["severity, exact", figure(f.severity)],
    ["severity, within one", figure(f.severityNear)],
    ["outcome", f.outcome.of ? figure(f.outcome) : "      -  (no outcome in the answers)"],
    ["ofn-install work as instance", figure(f.installAsInstance)],
    ["app issues as instance", figure(f.otherAsInstance)],
    ["confident wrong", figure(f.confidentWrong)],
    ["abstained (needs-triage)", figure(f.abstained)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`${title} (${f.rows} rows)`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}

/** One line per language: the figures that matter most, side by side. */
export function languageLines(languages: { name: string; figures: Figures }[]): string[] {
  const columns: [string, (f: Figures) => Rate][] = [
    ["kind", (f) => f.kind],
    ["instances", (f) => f.instances],
    ["category", (f) => f.category],
    ["severity ±1", (f) => f.severityNear],
    ["confident wrong", (f) => f.confidentWrong],
    ["abstained", (f) => f.abstained],
  ];
  const head = ["language", "rows", ...columns.map(([name]) => name)];
  const rows = languages.map(({ name, figures }) => [
    name,
    String(figures.rows),
    ...columns.map(([, of]) => percent(of(figures))),
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ")}`;
  return ["  by language", line(head), ...rows.map(line)];
}

export function confusionLines(f: Figures): string[] {
  const head = ["sysadmin \\ app", ...KIND_COLUMNS];
  const body = (["instance", "install", "other"] as const).map((kind) => [
    kind,
    ...KIND_COLUMNS.map((column) => String(f.confusion[kind][column])),
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ")}`;
  return [
    "  kind confusion (rows: the sysadmin's kind; columns: what the app did)",
    line(head),
    ...body.map(line),
  ];
}

/** The fields a row got wrong, as `field want→got`. */
export function missesOf(j: Judged): string[] {
  const { answer } = j.row;
  const { plan } = j;
  const list = (codes: readonly string[]) => `[${codes.join(",")}]`;
  const misses: string[] = [];
  if (!j.kind) misses.push(`kind ${answer.kind}→${plan.kind}`);
  if (j.abstained) misses.push("abstained");
  if (j.instances === false)
    misses.push(`instances ${list(answer.instances)}→${list(plan.instances)}`);
  if (j.category === false) misses.push(`category ${answer.category}→${plan.category ?? "-"}`);
  if (j.severity === false) misses.push(`severity ${answer.severity}→${plan.severity}`);
  if (j.outcome === false) misses.push(`outcome ${answer.outcome}→${plan.outcome}`);
  if (j.confidentWrong) misses.unshift("CONFIDENT WRONG");
  return misses;
}

export function missLine(j: Judged): string | undefined {
  const misses = missesOf(j);
  if (!misses.length) return undefined;
  const title = terminalText(j.row.issue.title, 60);
  const why = j.plan.reasons[0] ?? "";
  return `  ${j.row.source}  "${title}"  ${misses.join("; ")}  — ${why}`;
}

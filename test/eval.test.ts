// The classifier measured on real OFN issues labelled by hand (test/fixtures/real-issues.jsonl,
// copied from a public set of ofn-install and openfoodnetwork issues) and on the older dev set.
// The floors are what the rules reach today: a change that makes triage worse fails here.
import { readFileSync } from "node:fs";
import { evalFiles } from "../src/cli/eval.js";
import { runCli } from "./helpers/cli.js";
import {
  figuresOf,
  halfOf,
  judgeRow,
  type Figures,
  type LabelledIssue,
} from "../src/eval/measure.js";
import { decide } from "../src/triage/decide.js";
import type { TriagePlan } from "../src/triage/types.js";
import { shippedConfig } from "./helpers/config.js";

const config = shippedConfig();
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const REAL = fixture("real-issues.jsonl");
const DEV = fixture("dev-issues.jsonl");

function figures(file: string): Figures {
  const run = evalFiles({ [file]: readFileSync(file, "utf8") }, config, { json: true });
  expect(run.errors).toEqual([]);
  const whole = JSON.parse(run.out[0]!).parts.at(-1);
  return whole.figures as Figures;
}

const share = (r: { hits: number; of: number }) => r.hits / r.of;

describe("triage on 118 real OFN issues (regression floors)", () => {
  const f = figures(REAL);

  test("tells instance work from ofn-install's and the app's", () => {
    expect(share(f.kind)).toBeGreaterThanOrEqual(0.94);
    expect(share(f.installAsInstance)).toBeLessThanOrEqual(0.05);
    expect(share(f.otherAsInstance)).toBeLessThanOrEqual(0.0);
  });
  test("finds the instances, the category and the severity", () => {
    expect(share(f.instances)).toBeGreaterThanOrEqual(0.9);
    expect(share(f.category)).toBeGreaterThanOrEqual(0.87);
    expect(share(f.severityNear)).toBeGreaterThanOrEqual(0.98);
  });
  test("rarely states a wrong answer, and does not abstain its way there", () => {
    expect(share(f.confidentWrong)).toBeLessThanOrEqual(0.03);
    expect(share(f.abstained)).toBeLessThanOrEqual(0.05);
  });
});

test("the older development set stays at every figure it had", () => {
  const f = figures(DEV);
  for (const key of ["kind", "instances", "category", "severity"] as const) {
    expect(f[key].hits).toBe(f[key].of);
  }
  expect(f.confidentWrong.hits).toBe(0);
});

describe("what counts as right, wrong and unsure", () => {
  const row = (answer: Partial<LabelledIssue["answer"]>): LabelledIssue => ({
    source: "row",
    issue: { repo: "openfoodfoundation/ofn-install", title: "t", body: "", labels: [] },
    answer: { kind: "instance", instances: ["fr"], category_also_ok: [], ...answer },
  });
  const plan = (p: Partial<TriagePlan>) =>
    ({
      kind: "instance",
      instances: ["fr"],
      category: "email",
      severity: "S1",
      outcome: "accepted",
      reasons: [],
      ...p,
    }) as TriagePlan;

  test("ofn-install's work accepted into the pipe is a confident wrong answer", () => {
    const j = judgeRow(row({ kind: "install", instances: [] }), plan({}));
    expect(j).toMatchObject({ kind: false, confidentWrong: true, abstained: false });
  });
  test("asking which instance on an instance request is not confident, nor wrong kind", () => {
    const j = judgeRow(row({}), plan({ instances: [], category: null, outcome: "needs-info" }));
    expect(j).toMatchObject({ kind: true, instances: false, confidentWrong: false });
  });
  test("a wrong instance stated in a comment is confident wrong", () => {
    const j = judgeRow(row({ category: "email" }), plan({ instances: ["uk"] }));
    expect(j).toMatchObject({ instances: false, category: true, confidentWrong: true });
  });
  test("leaving it to a person is abstaining: never confident, never counted as instance work", () => {
    const j = judgeRow(row({ kind: "install", instances: [] }), plan({ outcome: "undecided" }));
    expect(j).toMatchObject({ abstained: true, confidentWrong: false });
    expect(figuresOf([j]).installAsInstance.hits).toBe(0);
  });
  test("category counts the other acceptable ones; severity within one level", () => {
    const j = judgeRow(
      row({ category: "ssl", category_also_ok: ["dns"], severity: "S3" }),
      plan({ category: "dns", severity: "S2" }),
    );
    expect(j).toMatchObject({ category: true, severity: false, severityNear: true });
  });
  test("the split into halves is fixed by the seed and covers every row once", () => {
    const sources = Array.from({ length: 200 }, (_, i) => `https://example.org/${i}`);
    const halves = sources.map((s) => halfOf(s, "seed"));
    expect(sources.map((s) => halfOf(s, "seed"))).toEqual(halves);
    const tune = halves.filter((h) => h === "tune").length;
    expect(tune).toBeGreaterThan(70);
    expect(tune).toBeLessThan(130);
  });
});

describe("sysadmin-pipe eval", () => {
  const run = (args: string[]) => runCli(args);

  test("prints per-field figures, both halves, the confusion matrix and the misses", async () => {
    const result = await run(["eval", "--split", REAL]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("tune half (seed ofn-2026) (58 rows)");
    expect(result.stdout).toContain("held-out half (seed ofn-2026) (60 rows)");
    expect(result.stdout).toMatch(/kind +\d+\.\d %/);
    expect(result.stdout).toMatch(/confident wrong +\d+\.\d %/);
    expect(result.stdout).toContain("kind confusion");
    // A miss names the row, what was wanted and got, and the app's reason.
    expect(result.stdout).toMatch(/github\.com\/\S+ {2}".+" {2}.*→.* — \S/);
  });

  test("a bad line is reported with its number; the other rows are still measured", async () => {
    const twoRows = readFileSync(DEV, "utf8").split("\n").slice(0, 2).join("\n");
    const path = `${process.env.TMPDIR ?? "/tmp"}/eval-bad-${process.pid}.jsonl`;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, `${twoRows}\n{"repo":"a/b","title":"x","answer":{"kind":"nope"}}\n`);
    const result = await run(["eval", "--json", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 3: answer\.kind/);
    const report = JSON.parse(result.stdout.trim());
    expect(report.parts[0].figures.rows).toBe(2);
  });

  test("eval without files is a usage error", async () => {
    expect((await run(["eval"])).code).toBe(2);
  });

  test("the same decide() is measured as the app runs", () => {
    const line = readFileSync(REAL, "utf8").split("\n")[0]!;
    const { repo, title, body } = JSON.parse(line);
    const plan = decide({ repo, title, body, labels: [] }, config.registry, config.policy);
    expect(plan.instances).toEqual(["fr"]);
  });
});

// How well the classifier does on real OFN issues. The set is small and the classifier is judged
// on issues it has never seen, so this test guards against regressions, not for a perfect score.
import { decide } from "../src/triage/decide.js";
import { shippedConfig } from "./helpers/config.js";
import { loadDevSet, type DevRow } from "./helpers/dev-set.js";

const { registry, policy } = shippedConfig();
const rows = loadDevSet();

function judge(row: DevRow) {
  const plan = decide(
    { repo: row.repo, title: row.title, body: row.body, labels: row.labels },
    registry,
    policy,
  );
  const categories = [row.answer.category, ...(row.answer.category_also_ok ?? [])];
  return {
    plan,
    kind: plan.kind === row.answer.kind,
    instances: [...plan.instances].sort().join(",") === [...row.answer.instances].sort().join(","),
    category: plan.category !== null && categories.includes(plan.category),
    severity: plan.severity === row.answer.severity,
  };
}

describe("the classifier on the development set of real OFN issues", () => {
  const results = rows.map((row) => ({ row, ...judge(row) }));
  const rate = (key: "kind" | "instances" | "category" | "severity") =>
    results.filter((r) => r[key]).length / results.length;

  afterAll(() => {
    const misses = results
      .filter((r) => !(r.kind && r.instances && r.category && r.severity))
      .map(
        (r) =>
          `- ${r.row.title}\n    want ${JSON.stringify(r.row.answer)}\n    got  ${JSON.stringify({
            kind: r.plan.kind,
            instances: r.plan.instances,
            category: r.plan.category,
            severity: r.plan.severity,
            outcome: r.plan.outcome,
          })}`,
      );
    const line = (["kind", "instances", "category", "severity"] as const)
      .map((k) => `${k} ${(rate(k) * 100).toFixed(0)}%`)
      .join(", ");
    if (process.env.DEV_SET_REPORT)
      console.log(`dev set (${results.length}): ${line}\n${misses.join("\n")}`);
  });

  test("tells instance work from ofn-install's own issues on nearly every issue", () => {
    expect(rate("kind")).toBeGreaterThanOrEqual(0.9);
  });
  test("finds the right instances", () => {
    expect(rate("instances")).toBeGreaterThanOrEqual(0.9);
  });
  test("finds an acceptable category", () => {
    expect(rate("category")).toBeGreaterThanOrEqual(0.85);
  });
  test("reads the severity a sysadmin would give", () => {
    expect(rate("severity")).toBeGreaterThanOrEqual(0.8);
  });
});

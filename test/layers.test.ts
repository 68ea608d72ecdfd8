// Layers import downward only: pure rules know nothing of GitHub; the executor (src/github/)
// knows nothing of handlers; handlers and the CLI sit on top. A new folder must be placed here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const SRC = new URL("../src/", import.meta.url).pathname;

/** Lower layers first; a module may import its own layer and those below. */
const LAYERS: [number, string[]][] = [
  // Outside text made inert for Markdown, chat and terminals: every renderer uses it.
  [0, ["markup"]],
  [
    1,
    [
      "triage",
      "commands",
      "registry",
      "form",
      "board",
      "eval",
      "report",
      "tiers",
      "config.ts",
      "settings.ts",
      "redact.ts",
    ],
  ],
  [2, ["github", "notify", "coordination"]],
  [3, ["usecase"]],
  [4, ["reconcile"]],
  [5, ["handlers"]],
  [6, ["cli"]],
  [7, ["index.ts"]],
  [8, ["server.ts"]],
];
const rankOf = (top: string) => LAYERS.find(([, names]) => names.includes(top))?.[0];
const topOf = (file: string) =>
  path.relative(SRC, file).split(path.sep)[0]!.replace(/\.js$/, ".ts");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

test("every folder of src/ has a layer", () => {
  const tops = [...new Set(sources(SRC).map(topOf))];
  expect(tops.filter((top) => rankOf(top) === undefined)).toEqual([]);
});

test("no module imports a layer above its own", () => {
  const upward: string[] = [];
  for (const file of sources(SRC)) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), spec!);
      if (rankOf(topOf(target))! > rankOf(topOf(file))!)
        upward.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

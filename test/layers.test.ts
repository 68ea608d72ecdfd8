// Layers import downward only: every folder (and top-level file) of src/ has a rank of its own,
// and a module imports only its own folder and folders of a lower rank. Pure rules know nothing
// of GitHub; the GitHub port knows nothing of use cases; features, the command line and the
// wiring sit on top. A new folder must be placed here. And no import cycle anywhere in src/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import madge from "madge";

const SRC = new URL("../src/", import.meta.url).pathname;

/** Lowest first: each may import those before it, never those after. */
const RANKS = [
  "markup", // outside text made inert
  "logger.ts",
  "redact.ts",
  "clock.ts", // the app's time (tests move their own)
  "metrics", // what the app counts, for GET /metrics
  "registry", // the registry and policy model, and the configuration type
  "triage", // the rules that decide a request, and the recorded state
  "report", // load reports, invoices, tier reviews
  "tiers", // tier applications and reviews
  "commands", // slash commands
  "form", // the issue forms, and their drift from the registry
  "board", // the board's fields
  "eval", // measuring triage on labelled issues
  "config.ts", // loading the shipped files
  "settings.ts", // the deployer's environment
  "coordination", // what replicas share: locks, claims, the queue
  "notify", // the chat webhook
  "github", // every GitHub call (the port)
  "usecase", // an issue's turn: shared by the features
  "reconcile", // the sweep
  "features", // the features, each a folder, registered in one list
  "handlers", // the webhook's own concerns: the guard, the queue's items, /status
  "cli", // the command line
  "index.ts", // wiring
  "shutdown.ts", // a clean stop on SIGTERM
  "server.ts", // the process
];
const rankOf = (top: string) => RANKS.indexOf(top);
const topOf = (file: string) =>
  path.relative(SRC, file).split(path.sep)[0]!.replace(/\.js$/, ".ts");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

test("every folder of src/ has a rank of its own", () => {
  const tops = [...new Set(sources(SRC).map(topOf))];
  expect(tops.filter((top) => rankOf(top) < 0)).toEqual([]);
  expect(new Set(RANKS).size).toBe(RANKS.length);
});

test("no module imports a folder of a higher rank", () => {
  const wrong: string[] = [];
  for (const file of sources(SRC)) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), spec!);
      const [from, to] = [topOf(file), topOf(target)];
      if (from !== to && rankOf(to) > rankOf(from))
        wrong.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    }
  }
  expect(wrong).toEqual([]);
});

test("no import cycle anywhere in src/ (madge)", async () => {
  const graph = await madge(SRC, {
    fileExtensions: ["ts"],
    tsConfig: new URL("../tsconfig.json", import.meta.url).pathname,
  });
  expect(graph.circular()).toEqual([]);
});

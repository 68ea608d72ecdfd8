// Tests that run the app as a process run the built code (dist/), as `npm start` does. `npm test`
// builds first; a test run on its own rebuilds when a source file is newer than the build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = new URL("../..", import.meta.url).pathname;

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    }),
  );
}

export function ensureBuilt(): void {
  const entry = path.join(ROOT, "dist", "server.js");
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestSource(path.join(ROOT, "src"))) return;
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

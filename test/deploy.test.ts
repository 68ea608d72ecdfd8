// `npm start` and the container run the app the same way, with Node memory limits Node accepts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const startScript = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts.start!;
const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");

const nodeFlags = (words: string[]) => words.filter((w) => w.startsWith("--max-"));

describe("deployment", () => {
  const startWords = startScript.split("&&").at(-1)!.trim().split(/\s+/);
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];

  it("npm start runs Probot on the built app with memory limits for V8", () => {
    expect(startWords[0]).toBe("node");
    expect(startWords.slice(-3)).toEqual([
      "node_modules/probot/bin/probot.js",
      "run",
      "./dist/index.js",
    ]);
    expect(nodeFlags(startWords)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=\d+$/)]),
    );
  });

  it("the container runs the same command with the same limits", () => {
    expect(cmd).toEqual(startWords);
  });

  it("Node accepts the limits", () => {
    const run = spawnSync(process.execPath, [...nodeFlags(startWords), "-e", "0"]);
    expect(run.stderr.toString()).toBe("");
    expect(run.status).toBe(0);
  });
});

// The container's exact command (the Dockerfile's CMD, which `npm start` runs too) as a process,
// from the repository root (the image's WORKDIR holds the same files), with the image's ENV
// lines: the app exactly as it is deployed, for the tests that start, attack and stop it.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./built.js";
import { testAppKey } from "./loopback.js";

const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
export const lastStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
export const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(lastStage)![1]!) as string[];

/** The ENV lines of the image's last stage, as the container sees them. */
export function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, line] of lastStage.matchAll(/^ENV (.+)$/gm)) {
    for (const [, key, value] of line!.matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  return env;
}

export interface Running {
  child: ChildProcess;
  /** Everything the process has written so far, stdout and stderr. */
  output: () => string;
  exited: Promise<number | null>;
}

/** A registered App's credentials (a throwaway key). */
export const credentials = () => ({
  APP_ID: "123",
  PRIVATE_KEY: testAppKey(),
  WEBHOOK_SECRET: "deploy-test-secret",
});

export function runCmd(env: Record<string, string>): Running {
  // Only what the image sets: a HOST from outside would hide a missing ENV line.
  const outside = { ...process.env };
  delete outside.HOST;
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: ROOT,
    env: { ...outside, ...imageEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, output: () => output, exited };
}

export async function until(test: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the app on this port answers /ping. */
export const answering = (port: number) =>
  until(
    async () => (await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined))?.ok ?? false,
  );

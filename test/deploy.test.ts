// The container's exact command, run as a process (no Docker engine here): it serves on every
// interface, says what it loaded, explains a bad configuration one line per problem, and stops
// cleanly on SIGTERM. `npm start` runs the same command.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jest } from "@jest/globals";
import { InFlight } from "../src/handlers/in-flight.js";
import { REGISTRY_TEXT } from "./helpers/config.js";
import { ensureBuilt, ROOT } from "./helpers/built.js";
import { FakeGitHub } from "./helpers/fake-github.js";
import { freePort, signature } from "./helpers/loopback.js";
import { issuesPayload } from "./helpers/webhooks.js";
import { haveRedis, startRedis } from "./helpers/redis.js";
import { cmd, credentials, imageEnv, runCmd, until } from "./helpers/server-process.js";

jest.setTimeout(120_000);

const startScript = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts.start!;
const startWords = startScript.split("&&").at(-1)!.trim().split(/\s+/);
const nodeFlags = (words: string[]) => words.filter((w) => w.startsWith("--max-"));

/** Listening TCP sockets on this port, as the kernel lists them: "0.0.0.0" or "127.0.0.1". */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A") // 0A: LISTEN
    .map((f) => {
      const hex = f[1]!.split(":")[0]!;
      return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join(".");
    });
}

beforeAll(ensureBuilt);

describe("the container's command", () => {
  test("is the command npm start runs, with the same Node memory limits", () => {
    expect(cmd).toEqual(startWords);
    expect(nodeFlags(cmd)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=\d+$/)]),
    );
    const node = spawnSync(process.execPath, [...nodeFlags(cmd), "-e", "0"]);
    expect(node.stderr.toString()).toBe("");
    expect(node.status).toBe(0);
  });

  test("serves on every interface, says which registry it loaded, and stops on SIGTERM with exit 0", async () => {
    const port = await freePort();
    const app = runCmd({ ...credentials(), PORT: String(port) });
    try {
      await until(async () => {
        const ping = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined);
        return ping?.ok ?? false;
      });
      // Reachable from outside the container: bound to 0.0.0.0, not to loopback only.
      expect(listeningAddresses(port)).toEqual(["0.0.0.0"]);
      expect(app.output()).toMatch(/registry from \S*config\/instances\.yml: \d+ instances/);
      const stoppedAt = Date.now();
      app.child.kill("SIGTERM");
      expect(await app.exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      expect(app.output()).toContain("SIGTERM: stopping");
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  test("without HOST, Probot would listen on loopback only: the image sets it", () => {
    expect(imageEnv().HOST).toBe("0.0.0.0");
  });
});

describe("start-up that explains itself", () => {
  const brokenRegistry = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-deploy-"));
    const file = path.join(dir, "instances.yml");
    writeFileSync(file, REGISTRY_TEXT.replace("tier: full # example", "tier: ful"));
    return file;
  };

  test("a broken registry is one plain line per problem, exit 1, no stack trace", async () => {
    const file = brokenRegistry();
    const app = runCmd({ ...credentials(), PORT: String(await freePort()), REGISTRY_FILE: file });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(new RegExp(`cannot start: ${file}:\\d+:\\d+: .*tier`));
    expect(app.output()).not.toMatch(/^\s+at /m);
  });

  test("with LOG_FORMAT=json the problem is a structured log line", async () => {
    const app = runCmd({
      ...credentials(),
      PORT: String(await freePort()),
      REGISTRY_FILE: brokenRegistry(),
      LOG_FORMAT: "json",
    });
    expect(await app.exited).toBe(1);
    const lines = app
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(/^sysadmin-pipe cannot start: .*instances\.yml:\d+:\d+: .*tier/),
    ]);
  });

  test("a setting that is not a number stops the app instead of silently turning a feature off", async () => {
    const app = runCmd({
      ...credentials(),
      PORT: String(await freePort()),
      RECONCILE_EVERY_MINUTES: "abc",
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(
      /cannot start: RECONCILE_EVERY_MINUTES=.*abc.*must be a whole number/,
    );
  });
});

describe("the container's command with REDIS_URL", () => {
  test("a Redis that does not answer stops the app with one line, instead of running alone", async () => {
    const app = runCmd({
      ...credentials(),
      PORT: String(await freePort()),
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(
      /cannot start: REDIS_URL=redis:\/\/127\.0\.0\.1:\d+: Redis does not answer/,
    );
  });

  (haveRedis ? test : test.skip)(
    "starts with Redis (ioredis is installed, as Probot's throttling needs) and says so on /status",
    async () => {
      const redis = await startRedis();
      const port = await freePort();
      const app = runCmd({ ...credentials(), PORT: String(port), REDIS_URL: redis.url });
      try {
        await until(async () => {
          const status = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
          return status?.ok ?? false;
        });
        const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as {
          replicas: string;
          queue: object;
          sweep: { everyMinutes: number };
        };
        expect(status).toMatchObject({
          replicas: "shared through Redis",
          queue: { waiting: 0, active: 0, retrying: 0, failed: 0, scheduled: 0 },
          sweep: { everyMinutes: 15 },
        });
        expect(app.output()).not.toMatch(/Cannot find package/);
        // Redis goes away: the health check fails, and says why, instead of hanging.
        await redis.stop();
        const down = await fetch(`http://127.0.0.1:${port}/status`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({
          ok: false,
          error: expect.stringMatching(/Redis/),
        });
        app.child.kill("SIGTERM");
        expect(await app.exited).toBe(0);
      } finally {
        app.child.kill("SIGKILL");
        await redis.stop().catch(() => undefined);
      }
    },
  );
});

describe("deliveries in flight when the app stops", () => {
  test("SIGTERM during a delivery lets it finish its writes, then exits 0", async () => {
    const fake = new FakeGitHub();
    const githubUrl = await fake.start();
    const port = await freePort();
    const secret = "deploy-test-secret";
    const app = runCmd({
      ...credentials(),
      WEBHOOK_SECRET: secret,
      PORT: String(port),
      GHE_HOST: githubUrl.replace("http://", ""),
      GHE_PROTOCOL: "http",
      // Probot spaces writes a second apart: this delivery alone takes ~7 s.
      SHUTDOWN_TIMEOUT_SECONDS: "30",
    });
    try {
      await until(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined))?.ok ?? false,
      );
      const repo = "openfoodfoundation/ofn-install";
      const issue = {
        number: 1,
        title: "French email errors",
        body: "Emails from coopcircuits.fr bounce.",
      };
      fake.addIssue(repo, issue);
      // GitHub answers slowly: the delivery is still writing when the stop comes.
      fake.inject({ kind: "slow", match: /comments/, times: Infinity, delayMs: 500 });
      const body = JSON.stringify(issuesPayload("opened", issue));
      const delivery = fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "issues",
          "x-github-delivery": "deploy-1",
          "x-hub-signature-256": signature(body, secret),
        },
        body,
      }).catch(() => undefined);
      await until(() => app.output().includes("deploy-1") || fake.stats.requests > 2, 10_000);
      const stoppedAt = Date.now();
      app.child.kill("SIGTERM");
      expect(await app.exited).toBe(0);
      // It stopped when the delivery was done, not at the deadline.
      expect(Date.now() - stoppedAt).toBeLessThan(25_000);
      expect(app.output()).not.toContain("still busy");
      await delivery;
      expect(fake.botComments(repo, 1)).toHaveLength(1);
      expect(app.output()).toMatch(/SIGTERM: stopping; [1-9]\d* deliveries in flight/);
    } finally {
      app.child.kill("SIGKILL");
      await fake.stop();
    }
  });

  test("idle() waits for every handler started, then resolves", async () => {
    const inFlight = new InFlight();
    let finished = 0;
    const slow = (ms: number) =>
      inFlight.track(() => new Promise<void>((r) => setTimeout(() => (finished++, r()), ms)));
    void slow(50);
    void slow(150);
    expect(inFlight.size).toBe(2);
    await inFlight.idle();
    expect(finished).toBe(2);
    expect(inFlight.size).toBe(0);
  });

  test("a failed handler does not keep the app from stopping", async () => {
    const inFlight = new InFlight();
    inFlight.track(() => Promise.reject(new Error("GitHub said no"))).catch(() => undefined);
    await inFlight.idle();
    expect(inFlight.size).toBe(0);
  });
});

// The app as GitHub drives it, for end-to-end tests: the real Probot server on loopback, signed
// webhook deliveries over HTTP, and a fake GitHub (schema-checked, with a board) on loopback.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Bottleneck from "bottleneck";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { deliveriesInFlight } from "../../src/handlers/in-flight.js";
import { buildApp, startServer } from "../../src/index.js";
import { POLICY_TEXT, shippedConfig } from "./config.js";
import type { Clock } from "../../src/clock.js";
import { FakeGitHub } from "./fake-github.js";
import { freePort, loopbackAppEnv, signature, testAppKey } from "./loopback.js";

export const SECRET = "e2e-webhook-secret-d41d8cd9";

/**
 * Probot's Octokit, retries and throttling included; only GitHub's recommended spacing of
 * content-creating requests (one a second, comments three seconds apart, process-wide) is
 * shortened so a burst of 200 issues runs in seconds here. In production that burst takes
 * minutes, as GitHub asks.
 */
export const QuickWrites = ProbotOctokit.defaults((options: { throttle?: object }) => ({
  ...options,
  throttle: {
    ...options.throttle,
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 5 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 5 }),
  },
}));

/** The shipped configuration with the board switched on (project 5 of the fake GitHub). */
export function liveConfig() {
  const shipped = shippedConfig();
  return {
    ...shipped,
    policy: { ...shipped.policy, board: { ...shipped.policy.board!, number: 5 } },
  };
}

export interface LoopbackApp {
  fake: FakeGitHub;
  url: string;
  privateKey: string;
  logLines: string[];
  deliveries: number;
  /** POST one delivery; `signature: null` sends none. Returns the HTTP status. */
  deliver(event: string, payload: object, id: string, signature?: string | null): Promise<number>;
  /** POST one delivery and return at the app's answer, whatever `waitForWork` says. */
  send(event: string, payload: object, id: string, signature?: string | null): Promise<number>;
  /** The app's GET /status. */
  status(): Promise<AppStatus>;
  /** Wait until the app's queue has nothing waiting, running or waiting for a retry. */
  settled(timeoutMs?: number): Promise<AppStatus>;
  /** Stop the server; `keepFake`: leave the fake GitHub running (a restart); `closeQueue`: stop
   * the queue and its timers too, as a stopping process does. */
  stop(options?: { keepFake?: boolean; closeQueue?: boolean }): Promise<void>;
}

export interface AppStatus {
  ok: boolean;
  queue: { waiting: number; active: number; retrying: number; failed: number };
  failuresWaiting: number;
  sweep: { everyMinutes: number; last: null | Record<string, unknown> };
  registry: { source: string; instances: number; live: object[] };
  promises: null | { open: number; overdue: number };
}

/** Failed queued work is tried again after these pauses (15 s, 30 s, 60 s in production). */
export const QUICK_RETRIES = [100, 200, 400];

/**
 * `waitForWork` (default): each deliver() returns once the app's queue has done the work, as
 * the tests that check GitHub's state afterwards need; false returns at GitHub's answer.
 * `policy`: changes to the shipped policy's text (the board is always switched on).
 */
export async function startLoopbackApp(
  options: {
    waitForWork?: boolean;
    policy?: (text: string) => string;
    /** The app's time (a ManualClock the test moves). */
    clock?: Clock;
    /** A fake GitHub already running (the same GitHub after a restart). */
    fake?: FakeGitHub;
    /** More settings (REDIS_URL, CHAT_WEBHOOK_URL, RECONCILE_EVERY_MINUTES…). */
    env?: Record<string, string>;
    /** The first scheduled sweep after start (with RECONCILE_EVERY_MINUTES set). */
    sweepFirstAfterMs?: number;
  } = {},
): Promise<LoopbackApp> {
  const fake = options.fake ?? new FakeGitHub();
  const githubUrl = options.fake ? fake.url : await fake.start();
  const port = await freePort();
  const privateKey = testAppKey();
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-e2e-"));
  const policyFile = path.join(dir, "policy.yml");
  const policyText = (options.policy ?? ((text) => text))(POLICY_TEXT);
  writeFileSync(policyFile, policyText.replace(/^( {2}number:) null/m, "$1 5"));
  process.env.POLICY_FILE = policyFile;
  const logLines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  // The scheduled sweep is off here: tests run it when they mean to.
  const settings = { ...process.env, RECONCILE_EVERY_MINUTES: "0", ...options.env };
  const built = buildApp({
    retryDelaysMs: QUICK_RETRIES,
    env: settings,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sweepFirstAfterMs !== undefined
      ? { sweepFirstAfterMs: options.sweepFirstAfterMs }
      : {}),
  });
  const server = await startServer(built, {
    env: { ...loopbackAppEnv({ port, secret: SECRET, privateKey, githubUrl }), LOG_LEVEL: "info" },
    log,
    Octokit: QuickWrites,
  });
  const url = `http://127.0.0.1:${port}`;
  const app: LoopbackApp = {
    fake,
    url,
    privateKey,
    logLines,
    deliveries: 0,
    async deliver(event, payload, id, sig) {
      const status = await app.send(event, payload, id, sig);
      if (options.waitForWork ?? true) await app.settled();
      return status;
    },
    async send(event, payload, id, sig) {
      app.deliveries++;
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": id,
      };
      if (sig !== null) headers["x-hub-signature-256"] = sig ?? signature(body, SECRET);
      const response = await fetch(`${url}/api/github/webhooks`, { method: "POST", headers, body });
      await response.text();
      return response.status;
    },
    async status() {
      const response = await fetch(`${url}/status`);
      return (await response.json()) as AppStatus;
    },
    async settled(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (let quiet = 0; ;) {
        const now = await app.status();
        const { waiting, active, retrying } = now.queue;
        quiet = waiting + active + retrying === 0 && deliveriesInFlight.size === 0 ? quiet + 1 : 0;
        if (quiet >= 2) return now;
        if (Date.now() > until) throw new Error(`the queue did not settle: ${JSON.stringify(now)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(how = {}) {
      await server.stop();
      if (how.closeQueue) await deliveriesInFlight.stop();
      if (!how.keepFake) await fake.stop();
      delete process.env.POLICY_FILE;
    },
  };
  return app;
}

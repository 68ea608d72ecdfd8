// A Probot instance wired to the app, talking to a nock-mocked GitHub.
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { buildApp, type AppOptions } from "../../src/index.js";

export const API = "https://api.github.com";
export const INSTALLATION_ID = 4242;

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export function makeProbot(options: AppOptions): Probot {
  const probot = new Probot({
    appId: 123,
    privateKey,
    // Retries and throttling would hide the exact requests the tests assert (and throttling
    // spaces writes a second apart). The function form runs after Probot's own defaults.
    Octokit: ProbotOctokit.defaults((options: object) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
    log: silentLogger(),
  });
  // Each delivery's work runs inside its handler (the tests await it), and no sweep is scheduled.
  // The App's slug as the deployer would set it: no `GET /app` to mock in every test.
  const env = { ...process.env, RECONCILE_EVERY_MINUTES: "0", APP_SLUG: "sysadmin-pipe" };
  // No look at GitHub's delivery log at start: nock answers only what a test mocks.
  probot.load(buildApp({ inline: true, env, redeliverAfterMs: null, ...options }));
  return probot;
}

/** The installation token exchange Probot makes before its first API call. */
export function mockInstallationToken(): nock.Scope {
  return nock(API)
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, {
      token: "ghs_test",
      expires_at: "2099-01-01T00:00:00Z",
      permissions: { issues: "write", metadata: "read" },
      repository_selection: "all",
    });
}

let entries: unknown[][] = [];

/** What the most recently made Probot logged, one JSON line per call. */
export function loggedLines(): string[] {
  return entries.map((args) => JSON.stringify(args));
}

// Probot wants a pino-like logger; tests keep their output quiet unless DEBUG_TESTS is set.
function silentLogger() {
  entries = [];
  const log = (...args: unknown[]) => {
    entries.push(args);
    if (process.env.DEBUG_TESTS) console.log(...args);
  };
  const logger: Record<string, unknown> = {
    trace: log,
    debug: log,
    info: log,
    warn: log,
    error: log,
    fatal: log,
    level: "info",
    entries,
  };
  logger.child = () => logger;
  return logger as never;
}

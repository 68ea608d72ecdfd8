// GET /status is for health checks, which anyone can run: it says whether the app is well, how
// much work waits and when the sweep last ran. What the app knows about its installations (their
// ids, the live registry's repository and its problems, which quote the registry's lines) is
// shown only on this machine or to whoever holds STATUS_TOKEN. Here while the live registry on
// the default branch is broken: what it tells a stranger, the token's holder, a wrong token,
// and this machine.
import type { IncomingMessage, ServerResponse } from "node:http";
import { networkInterfaces } from "node:os";
import { jest } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { inProcessCoordinator } from "../src/coordination/in-process.js";
import { memoryQueue } from "../src/coordination/memory-queue.js";
import type { GitHub } from "../src/github/client-types.js";
import { ConfigStore } from "../src/github/live-config.js";
import { statusHandler, type StatusDeps } from "../src/handlers/status.js";
import { LAST_SWEEP } from "../src/features/sweep/schedule.js";
import { ensureBuilt } from "./helpers/built.js";
import {
  REGISTRY_TEXT,
  shippedConfig,
  SIGNALS_TEXT,
  TIERS_TEXT,
  WIRING_TEXT,
} from "./helpers/config.js";
import { FakeGitHub } from "./helpers/fake-github.js";
import { freePort, signature } from "./helpers/loopback.js";
import { answering, credentials, runCmd, until, type Running } from "./helpers/server-process.js";
import { issuesPayload } from "./helpers/webhooks.js";

jest.setTimeout(120_000);

const REGISTRY_REPO = "openfoodfoundation/sysadmin-pipe";
const TOKEN = "status-token-0123456789abcdef";
const INSTALLATION = "4242";
/** The broken line: the registry's problem quotes what it found there. */
const BROKEN = "tier: nearly-full";

/** The live registry's repository, its registry broken on the default branch. */
function commitBrokenRegistry(fake: FakeGitHub): void {
  const files = {
    "config/instances.yml": REGISTRY_TEXT.replace("tier: full # example", BROKEN),
    "config/policy.yml": WIRING_TEXT,
    "config/tiers.yml": TIERS_TEXT,
    "config/signals.yml": SIGNALS_TEXT,
  };
  for (const [path, text] of Object.entries(files)) fake.commitFile(REGISTRY_REPO, path, text);
}

/** What a stranger must not learn from the answer. */
function expectNothingPrivate(text: string): void {
  expect(text).not.toContain(INSTALLATION);
  expect(text).not.toContain(REGISTRY_REPO);
  expect(text).not.toContain("nearly-full");
  expect(text).not.toContain("instances.yml");
}

const COARSE_KEYS = ["deliveries", "failuresWaiting", "ok", "promises", "queue", "sweep"];

describe("who reads the details of /status (the handler, asked from given addresses)", () => {
  const fake = new FakeGitHub();
  let deps: StatusDeps;

  beforeAll(async () => {
    const url = await fake.start();
    commitBrokenRegistry(fake);
    const shipped = shippedConfig();
    const config = {
      ...shipped,
      policy: {
        ...shipped.policy,
        registry_source: { ...shipped.policy.registry_source, repo: REGISTRY_REPO },
      },
    };
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const store = new ConfigStore(config, quiet);
    const github = new Octokit({ baseUrl: `${url}/api/v3`, auth: "ghs_test" });
    const live = await store.get(github as unknown as GitHub, INSTALLATION);
    expect(live.trusted).toBe(false); // the default branch's registry is broken
    const coordinator = inProcessCoordinator();
    await coordinator.note(LAST_SWEEP, { at: "2025-05-01T10:00:00.000Z", scanned: 12 });
    const queue = memoryQueue(coordinator, { log: quiet });
    deps = { queue, coordinator, store, every: 15, token: TOKEN };
  });
  afterAll(() => fake.stop());

  /** GET /status from this address with these headers: the status and the body. */
  async function ask(remoteAddress: string, headers: Record<string, string> = {}, using = deps) {
    const req = { method: "GET", url: "/status", headers, socket: { remoteAddress } };
    let status = 0;
    let body = "";
    const res = {
      writeHead(code: number) {
        status = code;
        return res;
      },
      end(text: string) {
        body = text;
        return res;
      },
    };
    const handled = await statusHandler(using)(
      req as unknown as IncomingMessage,
      res as unknown as ServerResponse,
    );
    expect(handled).toBe(true);
    return { status, body, json: JSON.parse(body) as Record<string, unknown> };
  }

  test("a stranger gets the coarse health only: ok, the queue's counts, the last sweep's time", async () => {
    const { status, body, json } = await ask("192.0.2.50");
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(COARSE_KEYS);
    expect(json).toEqual({
      ok: false,
      queue: { waiting: 0, active: 0, retrying: 0, failed: 0, scheduled: 0 },
      failuresWaiting: 0,
      sweep: { last: { at: "2025-05-01T10:00:00.000Z" } },
      deliveries: null,
      promises: null,
    });
    expectNothingPrivate(body);
  });

  test("the token's holder gets the details from anywhere", async () => {
    const { status, body, json } = await ask("192.0.2.50", { authorization: `Bearer ${TOKEN}` });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      ok: false,
      sweep: { everyMinutes: 15, last: { scanned: 12 } },
      registry: { source: REGISTRY_REPO, live: [{ installation: INSTALLATION, valid: false }] },
    });
    expect(body).toContain("nearly-full");
  });

  test.each([
    ["a wrong token", `Bearer ${TOKEN.slice(0, -1)}x`],
    ["the token one character short", `Bearer ${TOKEN.slice(0, -1)}`],
    ["another scheme", `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`],
  ])("%s is told so (401), with nothing else, even from this machine", async (_, authorization) => {
    for (const address of ["192.0.2.50", "127.0.0.1"]) {
      const { status, body } = await ask(address, { authorization });
      expect(status).toBe(401);
      expectNothingPrivate(body);
    }
  });

  test.each(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])(
    "this machine (%s) gets the details without a token",
    async (address) => {
      const { json } = await ask(address);
      expect(json).toMatchObject({ registry: { live: [{ installation: INSTALLATION }] } });
    },
  );

  test.each([
    ["X-Forwarded-For", { "x-forwarded-for": "198.51.100.7" }],
    ["Forwarded", { forwarded: "for=198.51.100.7" }],
  ])(
    "a request a local proxy passed on (%s) is a stranger's",
    async (_, headers: Record<string, string>) => {
      const { json, body } = await ask("127.0.0.1", headers);
      expect(Object.keys(json).sort()).toEqual(COARSE_KEYS);
      expectNothingPrivate(body);
    },
  );

  test("without STATUS_TOKEN set, no token opens the details", async () => {
    const authorization = "Bearer anything-at-all-long-enough";
    const { status } = await ask("192.0.2.50", { authorization }, { ...deps, token: undefined });
    expect(status).toBe(401);
  });
});

/** An address of this machine that is not loopback, if it has one (a container's eth0). */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe("/status on the container's command, the live registry broken", () => {
  let fake: FakeGitHub;
  let app: Running;
  let port: number;

  beforeAll(async () => {
    ensureBuilt();
    fake = new FakeGitHub();
    const githubUrl = await fake.start();
    commitBrokenRegistry(fake);
    port = await freePort();
    const registered = credentials();
    app = runCmd({
      ...registered,
      PORT: String(port),
      GHE_HOST: githubUrl.replace("http://", ""),
      GHE_PROTOCOL: "http",
      REGISTRY_REPO,
      STATUS_TOKEN: TOKEN,
      RECONCILE_EVERY_MINUTES: "0",
    });
    await answering(port);
    // An issue's delivery makes the app read the live registry, and find it broken.
    const issue = { number: 3, title: "Site down", body: "Nothing loads." };
    fake.addIssue("openfoodfoundation/ofn-install", issue);
    const body = JSON.stringify(issuesPayload("opened", issue));
    const delivered = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "status-1",
        "x-hub-signature-256": signature(body, registered.WEBHOOK_SECRET),
      },
      body,
    });
    expect(delivered.status).toBe(200);
    await until(() => app.output().includes("THE REGISTRY ON THE DEFAULT BRANCH IS INVALID"));
  });
  afterAll(async () => {
    app.child.kill("SIGKILL");
    await fake.stop();
  });

  const get = (host: string, headers: Record<string, string> = {}) =>
    fetch(`http://${host}:${port}/status`, { headers });

  test("from this machine (loopback): the installation, the registry's repository and its problem", async () => {
    const text = await (await get("127.0.0.1")).text();
    expect(JSON.parse(text)).toMatchObject({
      ok: false,
      registry: { source: REGISTRY_REPO, live: [{ installation: INSTALLATION, valid: false }] },
    });
    expect(text).toContain("nearly-full");
  });

  (outsideAddress ? test : test.skip)(
    "from another address: coarse health for anyone, the details with the token, 401 with a wrong one",
    async () => {
      const anyone = await get(outsideAddress!);
      const text = await anyone.text();
      expect(anyone.status).toBe(200);
      expect(Object.keys(JSON.parse(text)).sort()).toEqual(COARSE_KEYS);
      expect(JSON.parse(text)).toMatchObject({ ok: false });
      expectNothingPrivate(text);

      const holder = await get(outsideAddress!, { authorization: `Bearer ${TOKEN}` });
      expect(await holder.json()).toMatchObject({
        registry: { live: [{ installation: INSTALLATION, valid: false }] },
      });

      const wrong = await get(outsideAddress!, { authorization: "Bearer not-the-status-token" });
      expect(wrong.status).toBe(401);
      expectNothingPrivate(await wrong.text());
    },
  );
});

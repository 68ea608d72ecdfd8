// GET /metrics as an operator's scraper sees it: the real server on loopback, deliveries signed
// and unsigned, the exposition parsed by the Prometheus project's own OpenMetrics parser, the
// figures checked against what happened and against /status, the example alert rules checked
// against the names the app exports, and who may read it.
import { readFileSync } from "node:fs";
import { jest } from "@jest/globals";
import nock from "nock";
import { parse } from "yaml";
import { exportedNames, METRICS, PREFIX } from "../src/metrics/catalog.js";
import { startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { ROOT } from "./helpers/built.js";
import {
  describeWithParser,
  parseOpenMetrics,
  valueOf,
  type Family,
} from "./helpers/openmetrics.js";
import { issuesPayload } from "./helpers/webhooks.js";

jest.setTimeout(120_000);

const REPO = "openfoodfoundation/ofn-install";
const UK_DOWN = { title: "UK IS ON FIRE", body: "openfoodnetwork.org.uk is down since 9:00" };
const FR_EMAIL = { title: "French email errors", body: "Emails from coopcircuits.fr bounce." };

let app: LoopbackApp;

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  app = await startLoopbackApp();
});
afterAll(async () => {
  await app.stop();
  nock.activate();
});

async function scrape(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/metrics`, { headers });
}

async function families(): Promise<Family[]> {
  const response = await scrape();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/openmetrics-text/);
  return parseOpenMetrics(await response.text());
}

function fileIssue(number: number, text: { title: string; body: string }) {
  app.fake.addIssue(REPO, { number, ...text });
  return issuesPayload("opened", { number, ...text });
}

describeWithParser("the exposition, parsed as OpenMetrics", () => {
  let before: Family[];
  let after: Family[];

  beforeAll(async () => {
    before = await families();
    await app.deliver("issues", fileIssue(1, UK_DOWN), "m-1");
    await app.deliver("issues", fileIssue(2, FR_EMAIL), "m-2");
    // GitHub's "redeliver" of the first, and a delivery someone forged.
    await app.deliver("issues", issuesPayload("opened", { number: 1, ...UK_DOWN }), "m-1");
    expect(
      await app.send("issues", { action: "opened" }, "m-forged", "sha256=" + "0".repeat(64)),
    ).toBe(400);
    await app.deliver("ping", { zen: "Keep it logically awesome." }, "m-ping");
    await app.settled();
    after = await families();
  });

  const delta = (sample: string, labels: Record<string, string> = {}) =>
    valueOf(after, sample, labels) - valueOf(before, sample, labels);

  test("every metric of the table is there, with its type, and the process's own", () => {
    const names = after.map((f) => f.name);
    for (const spec of METRICS) {
      const name = `${PREFIX}${spec.name}`.replace(/_total$/, "");
      const family = after.find((f) => f.name === name);
      expect([name, family?.type]).toEqual([name, spec.type]);
    }
    expect(names).toContain(`${PREFIX}process_cpu_seconds`);
    expect(names).toContain(`${PREFIX}nodejs_heap_size_used_bytes`);
  });

  test("deliveries are counted by event and by what became of them", () => {
    const d = (event: string, result: string) =>
      delta(`${PREFIX}deliveries_total`, { event, result });
    expect(d("issues", "queued")).toBe(2);
    expect(d("issues", "duplicate")).toBe(1);
    expect(d("unverified", "refused")).toBe(1);
    expect(d("ping", "ignored")).toBe(1);
  });

  test("decisions and the time from delivery to the bot's comment", () => {
    expect(delta(`${PREFIX}decisions_total`, { outcome: "accepted", kind: "instance" })).toBe(2);
    expect(delta(`${PREFIX}delivery_to_comment_seconds_count`)).toBe(2);
    const seconds = delta(`${PREFIX}delivery_to_comment_seconds_sum`);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
  });

  test("GitHub's answers by API, kind and status, and the rate limit it reported", () => {
    expect(delta(`${PREFIX}github_requests_total`, { api: "rest", kind: "write" })).toBeGreaterThan(
      0,
    );
    expect(delta(`${PREFIX}github_requests_total`, { api: "graphql" })).toBeGreaterThan(0);
    expect(valueOf(after, `${PREFIX}github_rate_limit_limit`)).toBe(5000);
    const remaining = valueOf(after, `${PREFIX}github_rate_limit_remaining`);
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(5000);
  });

  test("the queue's counts agree with /status, and lock waits were measured", async () => {
    const status = await app.status();
    for (const state of ["waiting", "active", "retrying", "failed"] as const) {
      expect([state, valueOf(after, `${PREFIX}queue_items`, { state })]).toEqual([
        state,
        status.queue[state],
      ]);
    }
    expect(delta(`${PREFIX}lock_wait_seconds_count`, { lock: "issue" })).toBeGreaterThanOrEqual(2);
  });

  test("no label holds an issue number, a login or a title", () => {
    const values = after.flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels)));
    for (const value of values)
      expect(value).not.toMatch(/ofn-install|#\d|UK IS ON FIRE|maintainer/);
  });
});

describe("the example alerts for operators", () => {
  const rules = parse(readFileSync(`${ROOT}/docs/alerts.yml`, "utf8")) as {
    groups: { name: string; rules: { alert: string; expr: string; for?: string }[] }[];
  };
  const all = rules.groups.flatMap((g) => g.rules);

  test("are the three the operators' page names", () => {
    expect(all.map((r) => r.alert).sort()).toEqual([
      "SysadminPipeFailuresWaiting",
      "SysadminPipeQueueBacklog",
      "SysadminPipeRateLimitLow",
    ]);
  });

  test("read only metrics the app exports", () => {
    const known = new Set(exportedNames());
    for (const rule of all) {
      const used = rule.expr.match(/\bsysadmin_pipe_\w+/g) ?? [];
      expect(used.length).toBeGreaterThan(0);
      for (const name of used)
        expect([rule.alert, name, known.has(name)]).toEqual([rule.alert, name, true]);
    }
  });
});

test("the operators' page lists every metric as the table declares it", () => {
  const page = readFileSync(`${ROOT}/docs/running-it.md`, "utf8");
  const table = page.slice(
    page.indexOf("<!-- metrics:start -->"),
    page.indexOf("<!-- metrics:end -->"),
  );
  const rows = table
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) => l.split("|").map((c) => c.trim()));
  expect(rows.map(([, name, type, labels]) => [name, type, labels])).toEqual(
    METRICS.map((m) => [
      `\`${PREFIX}${m.name}\``,
      m.type,
      m.labels.length ? m.labels.map((l) => `\`${l}\``).join(", ") : "–",
    ]),
  );
});

describe("who may read the metrics", () => {
  test("this machine may; a request through a proxy, or with a wrong token, may not", async () => {
    expect((await scrape()).status).toBe(200);
    expect((await scrape({ "x-forwarded-for": "203.0.113.9" })).status).toBe(401);
    expect((await scrape({ authorization: "Bearer not-the-token" })).status).toBe(401);
  });
});

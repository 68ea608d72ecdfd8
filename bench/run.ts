// `npm run bench`: how fast and how cheap one triage is, on this machine. Not part of `npm test`:
// it prints figures; the tests check behaviour. `npm run bench -- --json` ends with one JSON line.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { Octokit } from "@octokit/rest";
import { ProbotOctokit } from "probot";
import path from "node:path";
import { POLICY_TEXT, shippedConfig } from "../test/helpers/config.js";
import { freePort, loopbackAppEnv, signature, testAppKey } from "../test/helpers/loopback.js";
import { FakeGitHub } from "../test/helpers/fake-github.js";
import { issuesPayload } from "../test/helpers/webhooks.js";

const json = process.argv.includes("--json");
const RUNS = 3;
const say = (text: string) => {
  if (!json) console.log(text);
};

// ---------- helpers ----------
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const median = (values: number[]) => percentile(values, 50);
const spread = (values: number[], digits = 1) =>
  `${median(values).toFixed(digits)} (runs: ${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

// ---------- 1. decide throughput ----------
async function benchDecide() {
  // The built code, as it runs in production (bench runs after `npm run build`).
  const { decide } = (await import(
    new URL("../dist/triage/decide.js", import.meta.url).href
  )) as typeof import("../src/triage/decide.js");
  const config = shippedConfig();
  const dev = readFileSync(new URL("../test/fixtures/dev-issues.jsonl", import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { repo: string; title: string; body: string; labels: string[] });
  const inputs = Array.from({ length: Math.ceil(10_000 / dev.length) }, () => dev).flat();
  for (const i of inputs.slice(0, 500)) decide(i, config.registry, config.policy); // warm up
  const perSecond: number[] = [];
  const p99s: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const times: number[] = [];
    const start = process.hrtime.bigint();
    for (const input of inputs) {
      const t = process.hrtime.bigint();
      decide({ ...input, labels: input.labels ?? [] }, config.registry, config.policy);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    perSecond.push(inputs.length / seconds);
    p99s.push(percentile(times, 99));
  }
  say(
    `decide (dist/): ${inputs.length} decisions of the ${dev.length} real dev issues, ${RUNS} runs`,
  );
  say(`  throughput ${spread(perSecond, 0)} decisions/s; p99 ${spread(p99s, 3)} ms per decision`);
  return {
    decide_per_s: Math.round(median(perSecond)),
    decide_p99_ms: Number(median(p99s).toFixed(3)),
  };
}

// ---------- 2. end to end, and 3. requests per issue ----------
const SECRET = "bench-secret";
const REPO = "openfoodfoundation/ofn-install";
const privateKey = testAppKey();

interface AppProcess {
  url: string;
  pid: number;
  stop: () => void;
}

/** The Node flags `npm start` runs the app with (its memory limits), so the bench runs the same. */
const NODE_FLAGS = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts: { start: string };
  }
).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith("--max-"));

/** CPU time a process has used so far, in ms (user + system). Linux only. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
}

/**
 * The app in its own process (bench/app-server.mjs: Probot's run() with dist/index.js), with
 * Probot's GitHub client with write spacing shortened ("shipped"), exactly as in production
 * ("spaced"), or with its retry and throttling plugins off ("unthrottled").
 */
async function startApp(
  githubUrl: string,
  policyFile: string,
  client: "shipped" | "unthrottled" | "spaced" = "shipped",
): Promise<AppProcess> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, "bench/app-server.mjs"], {
    env: {
      ...process.env,
      ...loopbackAppEnv({ port, secret: SECRET, privateKey, githubUrl }),
      BENCH_CLIENT: client,
      POLICY_FILE: policyFile,
    },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${url}/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 15_000) throw new Error("the app did not start within 15 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { url, pid: child.pid!, stop: () => child.kill() };
}

/** Resident memory of a process in MB: now (VmRSS) or its peak so far (VmHWM). Linux only. */
function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

async function deliver(url: string, payload: object, id: string): Promise<number> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": id,
      "x-hub-signature-256": signature(body, SECRET),
    },
    body,
  });
  await response.text();
  return response.status;
}

let nextIssue = 1;
function newIssue(fake: FakeGitHub, title: string, body: string) {
  const number = nextIssue++;
  fake.addIssue(REPO, { number, title, body });
  return issuesPayload("opened", { number, title, body });
}

const ACCEPTED = [
  "French email errors",
  "Order confirmations from coopcircuits.fr are not sent.",
] as const;

interface E2eFigures {
  perSecond: number[];
  p50: number[];
  p99: number[];
  rss: number[];
  /** The app process's CPU time per delivery, ms. */
  cpu: number[];
  /** Deliveries Probot answered 202 (its handler still running after ~9 s), per run. */
  late: number[];
}

async function benchE2e(
  app: AppProcess,
  fake: FakeGitHub,
  levels: number[] = [1, 10, 100],
  label = "new accepted issues, board on",
) {
  const url = app.url;
  const results: Record<number, E2eFigures> = {};
  for (const concurrency of levels) {
    const r: E2eFigures = (results[concurrency] = {
      perSecond: [],
      p50: [],
      p99: [],
      rss: [],
      cpu: [],
      late: [],
    });
    for (let run = 0; run < RUNS; run++) {
      // Each run starts from a worked-through board (earlier runs' cards archived, as a board's
      // auto-archive does with Done cards); its own new cards pile up in Ready as it goes.
      for (const card of fake.board.cards) card.archived = true;
      const count = Math.max(concurrency * 3, 30);
      const payloads = Array.from({ length: count }, () => newIssue(fake, ...ACCEPTED));
      let peak = rssMb(app.pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(app.pid))), 5);
      const latencies: number[] = [];
      let late = 0;
      const cpuBefore = cpuMs(app.pid);
      const start = performance.now();
      for (let i = 0; i < payloads.length; i += concurrency) {
        await Promise.all(
          payloads.slice(i, i + concurrency).map(async (p) => {
            const sent = performance.now();
            const status = await deliver(url, p, `bench-${p.issue.number}`);
            // 202: Probot answered after ~9 s while the handler still ran (placements on one
            // board take turns); counted, and its latency is when GitHub got its answer.
            if (status === 202) late++;
            else if (status !== 200) throw new Error(`delivery answered ${status}`);
            // The answer comes after the handler's last write to GitHub.
            latencies.push(performance.now() - sent);
          }),
        );
      }
      const seconds = (performance.now() - start) / 1000;
      clearInterval(sampler);
      r.perSecond.push(payloads.length / seconds);
      r.p50.push(percentile(latencies, 50));
      r.p99.push(percentile(latencies, 99));
      r.rss.push(peak);
      r.cpu.push((cpuMs(app.pid) - cpuBefore) / payloads.length);
      r.late.push(late);
    }
    say(`end to end, ${concurrency} concurrent (${label}, ${RUNS} runs):`);
    say(
      `  ${spread(r.perSecond)} deliveries/s; p50 ${spread(r.p50)} ms; p99 ${spread(r.p99)} ms; peak RSS ${spread(r.rss, 0)} MB; app CPU ${spread(r.cpu)} ms per delivery; answered 202 (after ~9 s): ${spread(r.late, 0)}`,
    );
  }
  return results;
}

/** A few deliveries one after another with GitHub's write spacing kept, as in production. */
async function benchSpaced(app: AppProcess, fake: FakeGitHub) {
  for (const card of fake.board.cards) card.archived = true;
  await deliver(app.url, newIssue(fake, ...ACCEPTED), "spaced-warm-up");
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const payload = newIssue(fake, ...ACCEPTED);
    const sent = performance.now();
    const status = await deliver(app.url, payload, `spaced-${payload.issue.number}`);
    if (status !== 200) throw new Error(`delivery answered ${status}`);
    times.push(performance.now() - sent);
  }
  say(
    `end to end as in production (Probot's write spacing kept), one at a time: ${spread(times, 0)} ms per delivery`,
  );
  return times;
}

interface Cost {
  restReads: number;
  restWrites: number;
  graphqlReads: number;
  graphqlWrites: number;
  total: number;
}

function costSince(fake: FakeGitHub, before: Map<string, number>): Cost {
  const cost = { restReads: 0, restWrites: 0, graphqlReads: 0, graphqlWrites: 0, total: 0 };
  for (const [route, n] of fake.stats.byRoute) {
    const added = n - (before.get(route) ?? 0);
    if (!added || route.includes("/access_tokens")) continue;
    if (route === "POST /graphql") continue;
    if (route.startsWith("GET ")) cost.restReads += added;
    else cost.restWrites += added;
  }
  const calls = fake.board.calls.slice(graphqlMark);
  cost.graphqlReads = calls.filter((c) => /Project$|Items?$/.test(c.operation)).length;
  cost.graphqlWrites = calls.length - cost.graphqlReads;
  cost.total = cost.restReads + cost.restWrites + cost.graphqlReads + cost.graphqlWrites;
  return cost;
}

let graphqlMark = 0;
async function measure(fake: FakeGitHub, work: () => Promise<unknown>): Promise<Cost> {
  const before = new Map(fake.stats.byRoute);
  graphqlMark = fake.board.calls.length;
  await work();
  return costSince(fake, before);
}

/**
 * The floors: the fewest requests that could do each job, keeping the app's one guarantee that
 * costs requests: the bot comment, which records what was applied, is written last and only
 * after everything it records succeeded (else a failed write would be recorded as done, and a
 * re-delivery would not repair it). GraphQL runs every field of a document even when one fails,
 * so the comment cannot share a document with the writes it records.
 * - New accepted issue: read the issue's comments (the only proof the app has not already
 *   handled it: events arrive twice and out of order); add the card (1 mutation, which also
 *   returns the card and the board's cards, so where it goes in Ready is known); set its fields
 *   and position and add the labels (1 mutation: addLabelsToLabelable can join the field
 *   updates, which need the card's id from the add); post the comment. Floor: 4.
 *   The app spends 5: labels go by REST, apart from the board, so that board trouble (a missing
 *   project, a permission) never holds up the labels.
 * - Re-delivery: read the comments and find the delivery recorded there. Floor: 1.
 * - Rejected issue: read comments, add labels, post the comment (last); no board. Floor: 3.
 * - ofn-install's own issue: read comments, add its label; no comment, no board. Floor: 2.
 */
const FLOORS = { new_accepted: 4, redelivery: 1, rejected: 3, install: 2 };

const REJECTED = [
  "Belgian website is broken",
  "The WordPress site of openfoodnetwork.be shows an error.",
] as const;
const INSTALL = [
  "Bump Ansible from 2.10 to 3.0",
  "ansible-playbook site.yml fails on the new version",
] as const;

async function benchRequests(url: string, fake: FakeGitHub) {
  // A fresh app process against an empty repository: the first accepted issue also creates the
  // labels and looks up the board's ids; after that, the steady state.
  const first = await measure(fake, () => deliver(url, newIssue(fake, ...ACCEPTED), "req-first"));
  await deliver(url, newIssue(fake, ...REJECTED), "warm-rejected"); // its labels now exist
  await deliver(url, newIssue(fake, ...INSTALL), "warm-install");
  const accepted = newIssue(fake, ...ACCEPTED);
  const steady = await measure(fake, () => deliver(url, accepted, "req-accepted"));
  const redelivery = await measure(fake, () => deliver(url, accepted, "req-accepted"));
  const rejected = await measure(fake, () =>
    deliver(url, newIssue(fake, ...REJECTED), "req-rejected"),
  );
  const install = await measure(fake, () =>
    deliver(url, newIssue(fake, ...INSTALL), "req-install"),
  );
  const rows: [string, Cost, number | undefined][] = [
    ["new accepted issue (first, in an empty repository)", first, undefined],
    ["new accepted issue", steady, FLOORS.new_accepted],
    ["re-delivery", redelivery, FLOORS.redelivery],
    ["rejected issue", rejected, FLOORS.rejected],
    ["ofn-install issue", install, FLOORS.install],
  ];
  say(
    "GitHub requests per triaged issue (REST reads + writes, GraphQL reads + writes = total; floor; ratio):",
  );
  for (const [name, c, floor] of rows) {
    const ratio = floor ? ` floor ${floor}, ratio ${(c.total / floor).toFixed(2)}` : "";
    say(
      `  ${name}: REST ${c.restReads} + ${c.restWrites}, GraphQL ${c.graphqlReads} + ${c.graphqlWrites} = ${c.total};${ratio}`,
    );
  }
  return { first, steady, redelivery, rejected, install };
}

// ---------- why a request costs what it costs ----------
/** One GET against the fake GitHub: plain fetch, @octokit/rest, and Probot's Octokit. */
async function benchClients(githubUrl: string) {
  const base = `${githubUrl}/api/v3`;
  const plain = new Octokit({ baseUrl: base, auth: "x" });
  const probot = new ProbotOctokit({ baseUrl: base, auth: { token: "x" } } as never);
  const clients: [string, () => Promise<unknown>][] = [
    ["fetch", async () => (await fetch(`${base}/repos/o/r/labels`)).text()],
    ["@octokit/rest", () => plain.request("GET /repos/o/r/labels")],
    ["Probot's Octokit (retry + throttling)", () => probot.request("GET /repos/o/r/labels")],
  ];
  say("one GitHub request against the fake, by client (ms, median of 50):");
  const figures: Record<string, number> = {};
  for (const [name, call] of clients) {
    await call();
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await call();
      times.push(performance.now() - t);
    }
    figures[name] = median(times);
    say(`  ${name}: ${median(times).toFixed(2)}`);
  }
  return figures;
}

// ---------- 4. start-up ----------
async function benchStartup(): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, [...NODE_FLAGS, "dist/server.js"], {
      env: {
        ...process.env,
        ...loopbackAppEnv({ port, secret: SECRET, privateKey }),
        LOG_LEVEL: "warn",
        POLICY_FILE: "",
      },
      stdio: "ignore",
    });
    try {
      for (;;) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/ping`);
          if (response.ok) break;
        } catch {
          // not listening yet
        }
        if (performance.now() - started > 15_000)
          throw new Error("the app did not start within 15 s");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      times.push(performance.now() - started);
    } finally {
      child.kill();
    }
  }
  say(
    `start-up (process start to answering /ping, as \`npm start\` runs the built app): ${spread(times, 0)} ms`,
  );
  return times;
}

// ---------- main ----------
async function main() {
  say(
    `machine: ${os.cpus()[0]?.model ?? "unknown"} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`,
  );
  const decideFigures = await benchDecide();
  const fake = new FakeGitHub();
  const githubUrl = await fake.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "sysadmin-pipe-bench-"));
  const policyFile = path.join(dir, "policy.yml");
  writeFileSync(policyFile, POLICY_TEXT.replace(/^( {2}number:) null/m, "$1 5"));
  // Request counts, with every request checked against GitHub's descriptions.
  const counting = await startApp(githubUrl, policyFile);
  const requests = await benchRequests(counting.url, fake);
  counting.stop();
  if (fake.problems.length) throw new Error(`invalid GitHub requests: ${fake.problems.join("; ")}`);
  // Timing: the fake GitHub answers at once (its schema checks, tens of ms a GraphQL document,
  // would be latency of the fake, not of the app).
  fake.check = false;
  const clients = await benchClients(githubUrl);
  const app = await startApp(githubUrl, policyFile);
  const e2e = await benchE2e(app, fake);
  const peakRss = rssMb(app.pid, "VmHWM");
  app.stop();
  // The same app with Probot's request scheduling off: how much of the time is the app's own.
  const bare = await startApp(githubUrl, policyFile, "unthrottled");
  const unthrottled = await benchE2e(bare, fake, [10], "Probot's retry and throttling plugins off");
  bare.stop();
  // As in production: Probot spaces content-creating requests a second apart (comments three).
  const spaced = await startApp(githubUrl, policyFile, "spaced");
  const production = await benchSpaced(spaced, fake);
  spaced.stop();
  await fake.stop();
  const startup = await benchStartup();
  say(`peak RSS of the app process over the whole run: ${peakRss.toFixed(0)} MB`);
  const figures = {
    machine: `${os.cpus()[0]?.model ?? "unknown"} x${os.cpus().length}`,
    node: process.version,
    ...decideFigures,
    e2e_per_s_c1: Number(median(e2e[1]!.perSecond).toFixed(1)),
    e2e_p50_ms_c10: Number(median(e2e[10]!.p50).toFixed(1)),
    e2e_p99_ms_c10: Number(median(e2e[10]!.p99).toFixed(1)),
    e2e_p99_ms_c100: Number(median(e2e[100]!.p99).toFixed(1)),
    e2e_p99_ms_c10_unthrottled: Number(median(unthrottled[10]!.p99).toFixed(1)),
    e2e_ms_spaced_c1: Math.round(median(production)),
    app_cpu_ms_per_delivery_c10: Number(median(e2e[10]!.cpu).toFixed(1)),
    requests_first_accepted: requests.first.total,
    requests_new_accepted: requests.steady.total,
    floor_new_accepted: FLOORS.new_accepted,
    requests_redelivery: requests.redelivery.total,
    requests_rejected: requests.rejected.total,
    requests_install: requests.install.total,
    startup_ms: Math.round(median(startup)),
    rss_mb_c100: Math.round(median(e2e[100]!.rss)),
    request_ms_probot_octokit: Number(
      (clients["Probot's Octokit (retry + throttling)"] ?? 0).toFixed(2),
    ),
    request_ms_fetch: Number((clients.fetch ?? 0).toFixed(2)),
  };
  if (json) console.log(JSON.stringify(figures));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

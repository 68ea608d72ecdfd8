// Several replicas of the app as separate processes (test/helpers/replica-server.mjs, the built
// app under Probot's run()), one fake GitHub on loopback, optionally one real Redis, and a chat
// webhook that records what it is sent. For the multi-replica tests and the benchmark.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureBuilt, ROOT } from "./built.js";
import { POLICY_TEXT } from "./config.js";
import { chatSink } from "./chat-sink.js";
import { FakeGitHub } from "./fake-github.js";
import { freePort, loopbackAppEnv, signature, testAppKey } from "./loopback.js";

const SECRET = "replicas-webhook-secret-5f2a";

export interface ReplicaSet {
  fake: FakeGitHub;
  /** The policy file the replicas read (the board on), for a command line beside them. */
  policyFile: string;
  githubUrl: string;
  urls: string[];
  /** Messages the chat webhook received. */
  chat: string[];
  /** Every log line of every replica. */
  logs: string[];
  deliver(replica: number, event: string, payload: object, id: string): Promise<number>;
  /** Wait until no replica has work waiting, running or waiting for a retry. */
  settled(timeoutMs?: number): Promise<void>;
  kill(replica: number): void;
  /** SIGTERM, as `docker stop` sends: resolves with the exit code once the replica has exited. */
  terminate(replica: number): Promise<number | null>;
  /** A new process for a replica that has exited, on the same port (a rolling restart). */
  restart(replica: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  replicas: number;
  redisUrl?: string;
  /** GitHub's spacing of writes divided by this. */
  spacingScale?: number;
  env?: Record<string, string>;
  /** Run dist/ as it is, without rebuilding it when src/ is newer (the benchmark builds first). */
  asBuilt?: boolean;
}

async function waitUntilUp(url: string, child: ChildProcess, logs: string[]): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end;) {
    if (child.exitCode !== null) throw new Error(`a replica exited:\n${logs.join("\n")}`);
    const up = await fetch(`${url}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`a replica did not start:\n${logs.slice(-20).join("\n")}`);
}

export async function startReplicas(options: ReplicaOptions): Promise<ReplicaSet> {
  if (!options.asBuilt) ensureBuilt();
  const fake = new FakeGitHub();
  const githubUrl = await fake.start();
  const collector = await chatSink();
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-replicas-"));
  const policyFile = path.join(dir, "policy.yml");
  writeFileSync(policyFile, POLICY_TEXT.replace(/^( {2}number:) null/m, "$1 5"));
  const privateKey = testAppKey();
  const logs: string[] = [];
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const ports: number[] = [];
  const spawnReplica = (i: number): ChildProcess => {
    const child = spawn(process.execPath, [path.join(ROOT, "test/helpers/replica-server.mjs")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        ...loopbackAppEnv({ port: ports[i]!, secret: SECRET, privateKey, githubUrl }),
        POLICY_FILE: policyFile,
        RECONCILE_EVERY_MINUTES: "0",
        CHAT_WEBHOOK_URL: collector.url,
        S0_TEAM: "openfoodfoundation/sysadmins",
        SPACING_SCALE: String(options.spacingScale ?? 1),
        LOG_LEVEL: "info",
        LOG_FORMAT: "json",
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout!, child.stderr!])
      stream.on("data", (chunk: Buffer) =>
        logs.push(
          ...chunk
            .toString("utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => `[${i}] ${l}`),
        ),
      );
    children[i] = child;
    return child;
  };
  for (let i = 0; i < options.replicas; i++) {
    ports.push(await freePort());
    urls.push(`http://127.0.0.1:${ports[i]}`);
    spawnReplica(i);
  }
  await Promise.all(urls.map((url, i) => waitUntilUp(url, children[i]!, logs)));
  const alive = () => urls.filter((_, i) => children[i]!.exitCode === null && !children[i]!.killed);

  const set: ReplicaSet = {
    fake,
    policyFile,
    githubUrl,
    urls,
    chat: collector.chat,
    logs,
    async deliver(replica, event, payload, id) {
      const body = JSON.stringify(payload);
      const response = await fetch(`${urls[replica]}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": id,
          "x-hub-signature-256": signature(body, SECRET),
        },
        body,
      });
      await response.text();
      return response.status;
    },
    async settled(timeoutMs = 180_000) {
      const end = Date.now() + timeoutMs;
      for (let quiet = 0; quiet < 3;) {
        const counts = await Promise.all(
          alive().map(async (url) => {
            const status = (await (await fetch(`${url}/status`)).json()) as {
              queue: Record<string, number>;
            };
            const q = status.queue;
            return q.waiting! + q.active! + q.retrying!;
          }),
        );
        quiet = counts.every((c) => c === 0) ? quiet + 1 : 0;
        if (Date.now() > end) throw new Error(`replicas still busy: ${counts.join(", ")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill(replica) {
      children[replica]!.kill("SIGKILL");
    },
    async terminate(replica) {
      const child = children[replica]!;
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    },
    async restart(replica) {
      const child = spawnReplica(replica);
      await waitUntilUp(urls[replica]!, child, logs);
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null || child.signalCode) return resolve(undefined);
              child.once("exit", resolve);
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
            }),
        ),
      );
      await fake.stop();
      await new Promise((r) => collector.server.close(r));
    },
  };
  return set;
}

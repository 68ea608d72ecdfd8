// A real Redis for the tests (Debian's redis-server, which .ci/run installs): its own port on
// 127.0.0.1, nothing saved to disk, stopped after the test file. Never a mock: the replicas'
// one truth is Redis's behaviour, and that is what these tests check.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./loopback.js";

export const haveRedis = spawnSync("redis-server", ["--version"]).status === 0;

if (!haveRedis)
  console.warn("redis-server is not installed (apt-get install redis-server): Redis tests skipped");

export interface RedisServer {
  url: string;
  /** A client for the test's own look-ups. */
  client: () => Redis;
  stop: () => Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  for (let tries = 0; ; tries++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch (error) {
      probe.disconnect();
      if (tries > 100) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    client,
    async stop() {
      for (const c of clients) c.disconnect();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** `describe` when redis-server is there, `describe.skip` (with the warning above) when not. */
export const describeWithRedis = haveRedis ? describe : describe.skip;

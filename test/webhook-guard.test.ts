// The webhook path under attack. Anyone can POST to it: a huge body, a body with no signature or
// a wrong one. The app refuses each before parsing (a body over GitHub's 25 MB cap before it is
// read whole), logs one short line that holds none of the body, and keeps answering /ping; a
// delivery GitHub signed is still handled. First against the container's command as a process,
// then the guard's answers one by one on the server the end-to-end tests use.
import { createServer, get } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { jest } from "@jest/globals";
import { pino } from "pino";
import { ProbotOctokit, type ApplicationFunction } from "probot";
import { startServer } from "../src/index.js";
import {
  GITHUB_PAYLOAD_CAP,
  webhookGuard,
  type GuardLimits,
} from "../src/handlers/webhook-guard.js";
import { ensureBuilt } from "./helpers/built.js";
import { FakeGitHub } from "./helpers/fake-github.js";
import { freePort, loopbackAppEnv, signature, testAppKey } from "./helpers/loopback.js";
import { answering, credentials, runCmd, until, type Running } from "./helpers/server-process.js";
import { issuesPayload } from "./helpers/webhooks.js";

jest.setTimeout(120_000);

const PATH = "/api/github/webhooks";
const MB = 1024 * 1024;
const BOGUS = `sha256=${"0".repeat(64)}`;

interface Upload {
  /** The status the app answered with (it may answer before the body is all sent). */
  answered: Promise<number>;
  /** Resolves when the client stopped sending: all sent, or the connection closed. */
  finished: Promise<void>;
  sent: () => number;
  /** Send this many more bytes (with `holdBody`, the body is sent only this way). */
  send: (bytes: number) => void;
  abort: () => void;
}

/**
 * POST `bytes` of body in 1 MB chunks, as fast as the app reads them, declared in Content-Length
 * (or chunked), with a wrong signature unless headers say otherwise; `holdBody` sends the
 * headers only. Written on a plain TCP connection, as an attacker's client would: the request
 * exactly as given, and the answer read as soon as it comes, while the body is still going out.
 */
function upload(
  port: number,
  options: {
    bytes: number;
    chunked?: boolean;
    holdBody?: boolean;
    headers?: Record<string, string>;
  },
): Upload {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    "content-type": "application/json",
    "x-github-event": "issues",
    "x-github-delivery": "huge-1",
    "x-hub-signature-256": BOGUS,
    ...(options.chunked
      ? { "transfer-encoding": "chunked" }
      : { "content-length": String(options.bytes) }),
    ...options.headers,
  };
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => undefined); // a cut connection shows as `answered` failing
  let sent = 0;
  let received = "";
  const answered = new Promise<number>((resolve, reject) => {
    socket.on("data", (data) => {
      received += data.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (status) resolve(Number(status[1]));
    });
    socket.on("close", () => reject(new Error("the connection closed before an answer")));
  });
  answered.catch(() => undefined);
  const write = (data: Buffer) => {
    const framed = options.chunked
      ? [Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")]
      : [data];
    let flowing = true;
    for (const part of framed) flowing = socket.write(part) && flowing;
    return flowing;
  };
  const finished = (async () => {
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`POST ${PATH} HTTP/1.1\r\n${head.join("")}\r\n`);
    if (options.holdBody) return;
    const chunk = Buffer.alloc(MB, "a");
    chunk.write('{"x":"');
    while (sent < options.bytes && !socket.destroyed) {
      const piece = chunk.subarray(0, Math.min(MB, options.bytes - sent));
      sent += piece.length;
      if (!write(piece))
        await new Promise((resolve) => socket.once("drain", resolve).once("close", resolve));
    }
    if (!socket.destroyed && options.chunked) socket.write("0\r\n\r\n");
  })();
  const send = (bytes: number) => {
    sent += bytes;
    write(Buffer.alloc(bytes, "a"));
  };
  return { answered, finished, sent: () => sent, send, abort: () => socket.destroy() };
}

/**
 * Time one GET /ping on a connection of its own (a kept-alive one could be closed by the app's
 * idle timeout just as it is reused); a failure counts as never answering.
 */
function pingMs(port: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = get(
      { host: "127.0.0.1", port, path: "/ping", agent: false, timeout: 5_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200 ? Date.now() - started : Infinity));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(Infinity));
  });
}

describe("the webhook path attacked, on the container's command", () => {
  let fake: FakeGitHub;
  let app: Running;
  let port: number;
  const secret = credentials().WEBHOOK_SECRET;

  beforeAll(async () => {
    ensureBuilt();
    fake = new FakeGitHub();
    const githubUrl = await fake.start();
    port = await freePort();
    app = runCmd({
      ...credentials(),
      PORT: String(port),
      GHE_HOST: githubUrl.replace("http://", ""),
      GHE_PROTOCOL: "http",
      RECONCILE_EVERY_MINUTES: "0",
    });
    await answering(port);
  });

  afterAll(async () => {
    app.child.kill("SIGKILL");
    await fake.stop();
  });

  /** What the app logs while `act` runs (after a pause for the last lines to arrive). */
  async function loggedDuring(act: () => Promise<unknown>): Promise<string> {
    const before = app.output().length;
    await act();
    await new Promise((r) => setTimeout(r, 300));
    return app.output().slice(before);
  }

  test("a 64 MB body with a made-up signature is refused as too large, and the app stays up", async () => {
    const huge = upload(port, { bytes: 64 * MB });
    expect(await huge.answered).toBe(413);
    huge.abort();
    expect(await pingMs(port)).toBeLessThan(1_000);
    expect(app.child.exitCode).toBeNull();
    expect(app.output()).toMatch(
      /webhook delivery refused \(413\): body over 25 MB.*delivery huge-1/,
    );
  });

  test("/ping answers within 1 s all the while a huge body is streamed at the webhook path", async () => {
    const huge = upload(port, {
      bytes: 64 * MB,
      chunked: true,
      headers: { "x-github-delivery": "huge-2" },
    });
    const pings: number[] = [];
    let streaming = true;
    void huge.answered.finally(() => (streaming = false)).catch(() => undefined);
    while (streaming) pings.push(await pingMs(port));
    huge.abort();
    // And after it, while anything it left behind would still be running.
    for (const end = Date.now() + 1_000; Date.now() < end;) pings.push(await pingMs(port));
    expect(await huge.answered).toBe(413);
    // Reading stopped at the cap: the rest of the body was never taken in.
    const [, read] = /refused \(413\).*delivery huge-2, event issues, (\d+)\+ bytes/.exec(
      app.output(),
    )!;
    expect(Number(read)).toBeLessThan(GITHUB_PAYLOAD_CAP + MB);
    expect(pings.length).toBeGreaterThan(3);
    expect(pings.filter((ms) => ms >= 1_000)).toEqual([]);
    expect(app.child.exitCode).toBeNull();
  });

  test("a Content-Length over GitHub's 25 MB cap is refused before the body is sent", async () => {
    // Only the headers go out: the answer must come from them alone.
    const declared = upload(port, { bytes: GITHUB_PAYLOAD_CAP + 1, holdBody: true });
    const status = await Promise.race([
      declared.answered,
      new Promise<string>((r) => setTimeout(() => r("no answer while the body was unsent"), 5_000)),
    ]);
    declared.abort();
    expect(status).toBe(413);
    expect(declared.sent()).toBe(0);
  });

  test.each([
    ["a made-up signature", { "x-hub-signature-256": BOGUS }],
    ["no signature", {}],
  ])(
    "a 1 MB body with %s is refused with one short log line that holds none of it",
    async (_, signed) => {
      const body = JSON.stringify({ action: "opened", filler: "PAYLOAD-TEXT ".repeat(80_000) });
      let status = 0;
      const logged = await loggedDuring(async () => {
        const response = await fetch(`http://127.0.0.1:${port}${PATH}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "issues",
            "x-github-delivery": "unsigned-1",
            ...signed,
          },
          body,
        });
        status = response.status;
        await response.text();
      });
      expect(status).toBe(400);
      expect(logged).not.toContain("PAYLOAD-TEXT");
      expect(logged.length).toBeLessThan(4_096);
      expect(logged).toMatch(/webhook delivery refused \(400\).*delivery unsigned-1, event issues/);
    },
  );

  test("a delivery signed with the App's secret is still triaged", async () => {
    const repo = "openfoodfoundation/ofn-install";
    const issue = {
      number: 7,
      title: "French email errors",
      body: "Emails from coopcircuits.fr bounce.",
    };
    fake.addIssue(repo, issue);
    const body = JSON.stringify(issuesPayload("opened", issue));
    const response = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "signed-1",
        "x-hub-signature-256": signature(body, secret),
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok\n");
    await until(() => fake.botComments(repo, 7).length === 1, 30_000);
    expect(app.output()).not.toMatch(/refused.*delivery signed-1/);
  });
});

describe("the guard's answers, on the server the end-to-end tests start (startServer)", () => {
  const secret = "guard-test-secret";
  let port: number;
  let stop: () => Promise<void>;
  let logged: string[];
  const received: string[] = [];

  /** The server with a small app: `issues` fails when its title says so; `ping` is recorded. */
  const app: ApplicationFunction = (probot) => {
    probot.on("issues", async (context) => {
      if (context.payload.issue.title === "fail") throw new Error("the handler failed");
      received.push(context.id);
    });
  };

  async function start(env: Record<string, string> = {}) {
    port = await freePort();
    logged = [];
    const log = pino({ level: "info" }, { write: (line: string) => void logged.push(line) });
    const server = await startServer(app, {
      env: { ...loopbackAppEnv({ port, secret, privateKey: testAppKey() }), ...env },
      log,
      Octokit: ProbotOctokit,
    });
    stop = () => server.stop();
  }

  function post(path: string, body: string, headers: Record<string, string> = {}) {
    return fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": signature(body, secret),
        ...headers,
      },
      body,
    });
  }

  const issueBody = (title: string) =>
    JSON.stringify({
      action: "opened",
      issue: { title, body: "SECRET-LOOKING BODY ".repeat(500) },
    });

  afterEach(async () => stop());

  test("a signed delivery whose handler fails gets a 500, and the log names the delivery, not its payload", async () => {
    await start();
    const response = await post(PATH, issueBody("fail"), { "x-github-delivery": "failing-1" });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "Error: the handler failed" });
    const text = logged.join("");
    expect(text).toContain("the handler failed");
    expect(text).toContain("failing-1");
    expect(text).not.toContain("SECRET-LOOKING BODY");
  });

  test("a signed body that is not a JSON object is refused (400), and a wrong Content-Type (415)", async () => {
    await start();
    expect((await post(PATH, "[1, 2]")).status).toBe(400);
    expect((await post(PATH, "{not json")).status).toBe(400);
    expect((await post(PATH, issueBody("x"), { "content-type": "text/plain" })).status).toBe(415);
    expect(received).toEqual([]);
  });

  test("Probot's own middleware answers nowhere: its moved address, where the Smee proxy posts, reaches the guard", async () => {
    await start();
    const smeeTarget = `${PATH}?probot-middleware=off`;
    const signed = await post(smeeTarget, issueBody("via smee"), { "x-github-delivery": "smee-1" });
    expect(signed.status).toBe(200);
    expect(received).toContain("smee-1");
    const forged = await post(smeeTarget, issueBody("forged"), { "x-hub-signature-256": BOGUS });
    expect(forged.status).toBe(400);
    expect(logged.join("")).toMatch(/webhook delivery refused \(400\): signature does not match/);
  });

  test("WEBHOOK_PATH moves the public path; the default one then answers 404", async () => {
    await start({ WEBHOOK_PATH: "/hooks/github/" });
    expect(
      (await post("/hooks/github", issueBody("moved"), { "x-github-delivery": "moved-1" })).status,
    ).toBe(200);
    expect(received).toContain("moved-1");
    expect((await post(PATH, issueBody("default"))).status).toBe(404);
  });

  test('without WEBHOOK_SECRET the app does not start (Probot would accept the secret "development")', async () => {
    port = await freePort();
    const env = loopbackAppEnv({ port, secret, privateKey: testAppKey() });
    delete (env as Record<string, string | undefined>).WEBHOOK_SECRET;
    const log = pino({ level: "silent" });
    await expect(startServer(app, { env, log })).rejects.toThrow(/WEBHOOK_SECRET is not set/);
    stop = async () => undefined;
  });
});

describe("the guard's limits", () => {
  const secret = "limits-secret";
  let close: () => Promise<unknown> = async () => undefined;
  afterEach(() => close());

  /** A bare server with the guard alone, small limits, and a handler taking `handlerMs`. */
  async function guarded(limits: Partial<GuardLimits>, handlerMs = 0) {
    const lines: string[] = [];
    const guard = webhookGuard({
      path: PATH,
      secret,
      receive: () => new Promise((r) => setTimeout(r, handlerMs)),
      log: { warn: (line) => lines.push(line) },
      limits,
    });
    const server = createServer((req, res) => void guard(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    close = () => new Promise((r) => server.close(r));
    return { port: (server.address() as AddressInfo).port, lines };
  }

  test("bodies held at once are bounded: a big upload while another is held gets 503", async () => {
    const { port, lines } = await guarded({ bodyBytes: 1_000, heldBytes: 1_500 });
    const held = upload(port, { bytes: 1_000, holdBody: true });
    held.send(900);
    // Once the guard holds the first (until then a second fits, is read and refused for its
    // signature), a second does not fit beside it.
    let second = 0;
    for (const end = Date.now() + 5_000; second !== 503 && Date.now() < end;) {
      const headers = { "x-github-delivery": "second" };
      second = await upload(port, { bytes: 900, headers }).answered;
    }
    expect(second).toBe(503);
    expect(lines.join("\n")).toMatch(/refused \(503\).*delivery second/);
    // The first ends (its signature is wrong): what it held is given back before it is answered.
    held.send(100);
    expect(await held.answered).toBe(400);
    const third = upload(port, { bytes: 900, headers: { "x-github-delivery": "third" } });
    expect(await third.answered).toBe(400);
  });

  test("a body trickled slower than GitHub would wait is refused (408), and what it held given back", async () => {
    const { port, lines } = await guarded({
      bodyBytes: 1_000,
      heldBytes: 1_000,
      bodyWithinMs: 200,
    });
    const slow = upload(port, { bytes: 1_000, holdBody: true });
    slow.send(900);
    expect(await slow.answered).toBe(408);
    expect(lines.join("\n")).toMatch(/refused \(408\): body not received within 0.2 s/);
    slow.abort();
    const next = upload(port, { bytes: 900, headers: { "x-github-delivery": "next" } });
    expect(await next.answered).toBe(400); // read whole (room again), its signature wrong
  });

  test("a delivery whose handler still works when GitHub's wait nears its end gets 202", async () => {
    const { port } = await guarded({ answerWithinMs: 100 }, 400);
    const body = JSON.stringify({ zen: "Keep it logically awesome." });
    const response = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "slow-1",
        "x-hub-signature-256": signature(body, secret),
      },
      body,
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("still processing\n");
  });
});

// The webhook path, guarded. A body is bounded before it is read whole (GitHub's 25 MB cap, by
// Content-Length and again while it streams), its signature is checked over the raw bytes, in
// constant time, before any parsing, and only a signed body is parsed and handed to the app's
// handlers. A refusal is one short log line (delivery, event, size, reason), never the payload.
//
// Why not Probot's own middleware: it reads any body whole and, on a bad signature, hands the
// whole payload to its error log (a 64 MB body ran the process out of memory there; 1 MB wrote
// 3 MB of logs). Probot puts that middleware first among the server's handlers, ahead of any the
// app adds, so nothing can stand in front of it: the server is started with it moved where no
// request can reach it (probotWebhookPath), and this handler serves the public path instead.
import { countDelivery } from "../metrics/metrics.js";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** GitHub caps a delivery's payload at 25 MB: a bigger body did not come from GitHub. */
export const GITHUB_PAYLOAD_CAP = 25 * 1024 * 1024;

/** Where GitHub posts when WEBHOOK_PATH is not set (Probot's and @octokit/webhooks' default). */
const DEFAULT_PATH = "/api/github/webhooks";

export interface GuardLimits {
  /** One body's bytes. */
  bodyBytes: number;
  /**
   * All bodies held at once, while they are read and checked: two of GitHub's biggest. GitHub's
   * real deliveries are a few KB; this stops a handful of huge unsigned uploads from taking the
   * process's memory (a delivery refused for it gets 503, and GitHub shows it failed).
   */
  heldBytes: number;
  /** GitHub gives up on a delivery after 10 s: a body still arriving then is not GitHub's. */
  bodyWithinMs: number;
  /** GitHub waits 10 s: past this, answer 202 while the work goes on (as Probot does). */
  answerWithinMs: number;
  /** How long a refused body's connection stays open for its sender to read the answer. */
  lingerMs: number;
}

const LIMITS: GuardLimits = {
  bodyBytes: GITHUB_PAYLOAD_CAP,
  heldBytes: 2 * GITHUB_PAYLOAD_CAP,
  bodyWithinMs: 10_000,
  answerWithinMs: 9_000,
  lingerMs: 5_000,
};

export interface WebhookEvent {
  id: string;
  name: string;
  payload: object;
}

export interface GuardOptions {
  /** The public webhook path (publicWebhookPath). */
  path: string;
  /** WEBHOOK_SECRET */
  secret: string;
  /** The app's handlers (Probot's `webhooks.receive`). */
  receive: (event: WebhookEvent) => Promise<void>;
  log: { warn: (message: string) => void };
  limits?: Partial<GuardLimits>;
}

/** The path GitHub posts to: WEBHOOK_PATH, or Probot's default. */
export function publicWebhookPath(env: { WEBHOOK_PATH?: string }): string {
  return withoutTrailingSlashes(env.WEBHOOK_PATH || DEFAULT_PATH);
}

/**
 * The WEBHOOK_PATH to give Probot so that its own middleware never answers: the public path
 * with a query. Probot's middleware compares a request's path (never holding a `?`) with this
 * whole value, so nothing matches it; Probot's Smee proxy (WEBHOOK_PROXY_URL, development), which
 * posts to `http://host:port` + this value, reaches the public path and so this guard.
 */
export const probotWebhookPath = (publicPath: string) => `${publicPath}?probot-middleware=off`;

/** The environment as Probot's run() should read it: its webhook middleware moved away. */
export function withProbotMiddlewareOff<E extends { WEBHOOK_PATH?: string }>(env: E): E {
  // Read when run() reads it, after run() has loaded .env into process.env.
  return new Proxy(env, {
    get: (target, name) =>
      name === "WEBHOOK_PATH"
        ? probotWebhookPath(publicWebhookPath(target))
        : Reflect.get(target, name),
  });
}

const withoutTrailingSlashes = (path: string) => path.replace(/(?<=.)\/+$/, "") || "/";

/** A request's path as Probot's middleware reads it. */
function pathOf(url: string | undefined): string | undefined {
  try {
    return withoutTrailingSlashes(new URL(url ?? "", "http://localhost").pathname);
  } catch {
    return undefined;
  }
}

/** A header as a short printable text: it goes into a log line and comes from anyone. */
function shown(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "unknown");
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 80 ? `${printable.slice(0, 80)}…` : printable;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Bytes of bodies held at once, across requests. */
class HeldBytes {
  constructor(private free: number) {}
  take(bytes: number): boolean {
    if (bytes > this.free) return false;
    this.free -= bytes;
    return true;
  }
  give(bytes: number): void {
    this.free += bytes;
  }
}

type Refusal = { status: number; reason: string };
type Body = { chunks: Buffer[]; digest: Buffer };
type Read = { body: Body; bytes: number } | { refusal: Refusal; bytes: number } | { gone: true };

/**
 * Read a body up to the limit, signing it as it comes; stops reading at the first byte over the
 * limit or over what may be held, or when the body is slower than GitHub would wait. What it
 * holds is taken from `held`, for the caller to give back (`taken`).
 */
function readBody(
  req: IncomingMessage,
  limits: GuardLimits,
  held: HeldBytes,
  secret: string,
  taken: { bytes: number },
): Promise<Read> {
  return new Promise((resolve) => {
    const hmac = createHmac("sha256", secret);
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (read: Read) => {
      clearTimeout(slow);
      req.off("data", onData).off("end", onEnd).off("error", onGone).off("close", onGone);
      if (!("body" in read)) req.pause();
      resolve(read);
    };
    // A trickled body would hold its share of `held` for as long as the sender likes.
    const slow = setTimeout(() => {
      const seconds = limits.bodyWithinMs / 1000;
      done({ refusal: { status: 408, reason: `body not received within ${seconds} s` }, bytes });
    }, limits.bodyWithinMs);
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.bodyBytes) return done({ refusal: tooLarge(limits.bodyBytes), bytes });
      if (!held.take(chunk.length))
        return done({ refusal: { status: 503, reason: "too many bodies being read" }, bytes });
      taken.bytes += chunk.length;
      hmac.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => done({ body: { chunks, digest: hmac.digest() }, bytes });
    const onGone = () => done({ gone: true });
    req.on("data", onData).on("end", onEnd).on("error", onGone).on("close", onGone);
  });
}

const tooLarge = (limit: number): Refusal => ({
  status: 413,
  reason: `body over ${Math.round(limit / 1024 / 1024)} MB (GitHub's cap)`,
});

/** What the headers alone refuse, before a byte of the body is read. */
function refusedByHeaders(req: IncomingMessage, limit: number): Refusal | undefined {
  const type = req.headers["content-type"];
  if (!type || !/^\s*application\/json\s*(;|$)/i.test(type))
    return { status: 415, reason: 'Content-Type must be "application/json"' };
  const missing = ["x-github-event", "x-github-delivery", "x-hub-signature-256"].filter(
    (name) => req.headers[name] === undefined,
  );
  if (missing.length) return { status: 400, reason: `required headers missing: ${missing}` };
  if (!SIGNATURE.test(String(req.headers["x-hub-signature-256"])))
    return { status: 400, reason: "signature is not sha256=<64 hex digits>" };
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return tooLarge(limit);
  return undefined;
}

function answer(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) return;
  const type = status < 300 ? "text/plain" : "application/json";
  res
    .writeHead(status, { "content-type": type, "content-length": String(Buffer.byteLength(body)) })
    .end(body);
}

/**
 * A refused body is not read. The connection stays open a few seconds, so that its sender, still
 * sending, reads the answer rather than a reset connection (a lingering close, as web servers
 * do; Node takes in no more of the body once the answer is sent, and its own idle timeout may
 * cut the connection first), and is then cut.
 */
function linger(req: IncomingMessage, ms: number): void {
  const hangUp = setTimeout(() => req.socket.destroy(), ms);
  hangUp.unref();
  req.once("end", () => clearTimeout(hangUp));
  req.resume();
}

/** The first handler error, as Probot answers it: its status (else 500) and its name and message. */
function failure(error: unknown): Refusal {
  const first = ((error as { errors?: unknown[] }).errors?.[0] ?? error) as {
    status?: unknown;
    name?: string;
    message?: string;
  };
  const message = `${first.name ?? "Error"}: ${first.message ?? "unspecified"}`;
  return {
    status: typeof first.status === "number" ? first.status : 500,
    reason: message.length > 300 ? `${message.slice(0, 300)}…` : message,
  };
}

/** The public webhook path's handler (for the server's `addHandler`). */
export function webhookGuard(options: GuardOptions) {
  const limits = { ...LIMITS, ...options.limits };
  const held = new HeldBytes(limits.heldBytes);

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "POST" || pathOf(req.url) !== options.path) return false;
    const checked = await signedEvent(req, options.secret, limits, held);
    if ("gone" in checked) return true; // the sender hung up: nobody to answer
    if ("refusal" in checked) {
      const { status, reason } = checked.refusal;
      const id = shown(req.headers["x-github-delivery"]);
      const name = shown(req.headers["x-github-event"]);
      options.log.warn(
        `webhook delivery refused (${status}): ${reason}; delivery ${id}, event ${name}, ${checked.bytes} bytes`,
      );
      countDelivery("unverified", "refused");
      answer(res, status, JSON.stringify({ error: reason }));
      if (checked.unread) linger(req, limits.lingerMs);
      return true;
    }
    await deliver(options, res, limits.answerWithinMs, checked.event);
    return true;
  };
}

type Checked =
  { event: WebhookEvent } | { refusal: Refusal; bytes: string; unread: boolean } | { gone: true };

/** The delivery, once its size and signature are checked and its body parsed; or why not. */
async function signedEvent(
  req: IncomingMessage,
  secret: string,
  limits: GuardLimits,
  held: HeldBytes,
): Promise<Checked> {
  const early = refusedByHeaders(req, limits.bodyBytes);
  if (early) return { refusal: early, bytes: shown(req.headers["content-length"]), unread: true };
  const taken = { bytes: 0 };
  try {
    const read = await readBody(req, limits, held, secret, taken);
    if ("gone" in read) return read;
    if ("refusal" in read) return { refusal: read.refusal, bytes: `${read.bytes}+`, unread: true };
    const bytes = String(read.bytes);
    const header = SIGNATURE.exec(String(req.headers["x-hub-signature-256"]))![1]!;
    if (!timingSafeEqual(Buffer.from(header, "hex"), read.body.digest))
      return { refusal: { status: 400, reason: "signature does not match" }, bytes, unread: false };
    const payload = parse(Buffer.concat(read.body.chunks, read.bytes));
    if (!payload)
      return { refusal: { status: 400, reason: "not a JSON object" }, bytes, unread: false };
    const id = String(req.headers["x-github-delivery"]);
    return { event: { id, name: String(req.headers["x-github-event"]), payload } };
  } finally {
    held.give(taken.bytes);
  }
}

function parse(body: Buffer): object | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Hand a signed event to the app; answer when it is done, or with 202 once GitHub's wait nears its end. */
async function deliver(
  options: GuardOptions,
  res: ServerResponse,
  withinMs: number,
  event: WebhookEvent,
): Promise<void> {
  // Probot logs a failed handler's error together with its event: let the event show as its
  // delivery id and name, never as its payload.
  Object.defineProperty(event, "toJSON", { value: () => ({ id: event.id, name: event.name }) });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), withinMs);
  });
  const work = options.receive(event).then(
    () => undefined,
    (error: unknown) => failure(error),
  );
  const first = await Promise.race([work, late]);
  clearTimeout(timer);
  if (first === "late") answer(res, 202, "still processing\n");
  else if (first) answer(res, first.status, JSON.stringify({ error: first.reason }));
  else answer(res, 200, "ok\n");
}

// GitHub's side of the App manifest flow, on loopback: the "new App" page that receives the
// manifest from Probot's set-up page, and the code exchange Probot makes afterwards. It refuses
// a manifest GitHub would refuse (not JSON, missing or malformed fields) and checks the exchange
// against GitHub's REST description.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQuery } from "node:querystring";
import { validateRestRequest } from "./github-schema.js";
import { testAppKey } from "./loopback.js";

/** The fields GitHub documents for an App manifest ("Creating a GitHub App from a manifest"). */
const MANIFEST_FIELDS = new Set([
  "name",
  "url",
  "hook_attributes",
  "redirect_url",
  "callback_urls",
  "setup_url",
  "description",
  "public",
  "default_events",
  "default_permissions",
  "request_oauth_on_install",
  "setup_on_update",
  "version", // Probot sends it; GitHub ignores it
]);
const LEVELS = new Set(["read", "write", "admin"]);
const httpUrl = (v: unknown) => typeof v === "string" && /^https?:\/\/[^\s]+$/.test(v);

/** What GitHub would say about a manifest: empty when it accepts it. */
export function manifestProblems(text: string): string[] {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return [`the manifest is not JSON: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const key of Object.keys(m))
    if (!MANIFEST_FIELDS.has(key)) problems.push(`unknown field ${key}`);
  if (typeof m.name !== "string" || !m.name || m.name.length > 34) problems.push("name");
  if (!httpUrl(m.url)) problems.push("url must be an http(s) URL");
  if (!httpUrl(m.redirect_url)) problems.push("redirect_url must be an http(s) URL");
  const hook = m.hook_attributes as { url?: unknown } | undefined;
  if (!hook || !httpUrl(hook.url)) problems.push("hook_attributes.url must be an http(s) URL");
  const permissions = (m.default_permissions ?? {}) as Record<string, unknown>;
  for (const [name, level] of Object.entries(permissions)) {
    if (!LEVELS.has(String(level))) problems.push(`permission ${name}: ${String(level)}`);
  }
  if (!Array.isArray(m.default_events)) problems.push("default_events must be a list");
  return problems;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export class GitHubSetupPage {
  /** Manifests received, and what was wrong with them. */
  readonly manifests: { manifest: Record<string, unknown>; problems: string[] }[] = [];
  readonly problems: string[] = [];
  readonly webhookSecret = "whsec-from-the-manifest-flow";
  readonly pem = testAppKey();
  private server?: Server;
  private code = "";
  url = "";

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, headers, text }) => res.writeHead(status, headers).end(text),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage) {
    const url = new URL(req.url ?? "/", this.url);
    const html = { "content-type": "text/html" };
    if (req.method === "POST" && url.pathname === "/settings/apps/new") {
      // The person's browser posts the form; GitHub shows the App, the person confirms, and
      // GitHub sends the browser back to redirect_url with a one-time code.
      const text = String(parseQuery(await body(req)).manifest ?? "");
      const problems = manifestProblems(text);
      this.manifests.push({ manifest: problems.length ? {} : JSON.parse(text), problems });
      if (problems.length) return { status: 422, headers: html, text: problems.join("; ") };
      this.code = `code-${Date.now()}`;
      const back = `${String(JSON.parse(text).redirect_url)}?code=${this.code}`;
      return { status: 302, headers: { location: back }, text: "" };
    }
    const exchange = /^\/api\/v3\/app-manifests\/([^/]+)\/conversions$/.exec(url.pathname);
    if (req.method === "POST" && exchange) {
      const problems = validateRestRequest("POST", url.pathname.replace("/api/v3", ""), undefined);
      this.problems.push(...problems);
      if (exchange[1] !== this.code) return { status: 404, headers: {}, text: "bad code" };
      return {
        status: 201,
        headers: { "content-type": "application/json" },
        text: JSON.stringify(this.app()),
      };
    }
    if (req.method === "GET" && url.pathname.endsWith("/installations/new")) {
      return { status: 200, headers: html, text: "<h1>Install sysadmin-pipe</h1>" };
    }
    return { status: 404, headers: {}, text: "not found" };
  }

  /** The App GitHub created, as POST /app-manifests/{code}/conversions returns it. */
  private app() {
    const manifest = this.manifests.at(-1)!.manifest;
    return {
      id: 4242,
      slug: "sysadmin-pipe",
      node_id: "A_kwDOAAABBB",
      client_id: "Iv1.0123456789abcdef",
      client_secret: "client-secret-from-the-manifest-flow",
      webhook_secret: this.webhookSecret,
      pem: this.pem,
      owner: { login: "openfoodfoundation", id: 1, type: "Organization" },
      name: manifest.name,
      description: manifest.description,
      external_url: manifest.url,
      html_url: `${this.url}/apps/sysadmin-pipe`,
      created_at: "2026-11-29T00:00:00Z",
      updated_at: "2026-11-29T00:00:00Z",
      permissions: manifest.default_permissions,
      events: manifest.default_events,
    };
  }
}

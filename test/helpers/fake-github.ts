// A small GitHub on loopback for end-to-end tests: issues, labels, comments, reactions,
// collaborator permissions and a Projects v2 board, in memory. Every request is checked against
// GitHub's OpenAPI description or GraphQL schema first and refused (422) if GitHub would refuse
// it, so this GitHub can never be friendlier than the real one. Faults can be injected.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeBoard } from "./fake-board.js";
import { validateGraphqlRequest, validateRestRequest } from "./github-schema.js";

export type FaultKind =
  "500" | "502" | "forbidden" | "secondary-rate-limit" | "primary-rate-limit" | "slow" | "drop";

export interface Fault {
  kind: FaultKind;
  /** Which requests, e.g. "POST /repos/o/r/issues/1/comments" matched as a prefix or RegExp. */
  match: RegExp;
  /** GraphQL only: which operations, by name (e.g. /SysadminPipeAddAndRead/). */
  operation?: RegExp;
  /** How many matching requests get the fault (Infinity: all). */
  times: number;
  /** For "slow": how long to wait before answering. */
  delayMs?: number;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  user: string;
  created_at: string;
  updated_at: string;
  /** Logins assigned (the fake assigns anyone, as GitHub does for the repository's people). */
  assignees?: string[];
  /** Why it was closed: "completed" or "not_planned", as GitHub records it. */
  state_reason?: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  type: "User" | "Bot";
  reactions: string[];
  /** ISO times; a comment put here by a test without them reads as written long ago. */
  created_at?: string;
  updated_at?: string;
}

interface FakeLabel {
  name: string;
  color: string;
  description: string | null;
  /** Its GraphQL id, unique across repositories. */
  node_id: string;
}

interface Repo {
  owner: string;
  name: string;
  issues: Map<number, FakeIssue>;
  labels: Map<string, FakeLabel>;
  comments: FakeComment[];
  permissions: Map<string, string>;
}

export const APP_SLUG = "sysadmin-pipe";
/** The login the App's comments are written by, as GitHub shows it. */
export const APP_LOGIN = `${APP_SLUG}[bot]`;

/** A file's raw text, as GitHub answers `Accept: application/vnd.github.raw`. */
class RawText {
  constructor(readonly text: string) {}
}

/** One attempt at delivering a webhook, as GitHub's delivery log keeps it (with the payload,
 * which GitHub keeps too, to redeliver). */
export interface FakeDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  status: string;
  event: string;
  action: string | null;
  payload: Record<string, unknown>;
}

/** A pull request of the fake GitHub: from a branch of the same repository. */
export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
  merged: boolean;
  /** The head's commit when merged (its branch may be gone since). */
  headSha?: string;
}

/** One file a pull request changes, as GitHub lists it. */
export interface FakeFileChange {
  filename: string;
  status: "added" | "removed" | "modified";
  additions: number;
  deletions: number;
  /** The lines removed and added, in order (without the diff's `-`/`+`). */
  removed: string[];
  added: string[];
  /** A unified diff of the change (one hunk), as GitHub's `patch`. */
  patch: string;
}

/** Lines removed and added between two texts, from the first to the last changed line. */
function lineChanges(before: string, after: string) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (
    end < a.length - start &&
    end < b.length - start &&
    a[a.length - 1 - end] === b[b.length - 1 - end]
  )
    end++;
  const removed = a.slice(start, a.length - end);
  const added = b.slice(start, b.length - end);
  const patch = [
    `@@ -${start + 1},${removed.length} +${start + 1},${added.length} @@`,
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
  ].join("\n");
  return { additions: added.length, deletions: removed.length, removed, added, patch };
}

/** Who pushes in tests: a person with push access. */
const PUSHER: FakePerson = {
  name: "A maintainer",
  email: "maintainer@example.org",
  date: "2026-01-01T00:00:00Z",
};

/** Who made a commit, as git records it. */
export interface FakePerson {
  name: string;
  email: string;
  date: string;
}

/** A commit's git object besides its files: what GitHub's git database answers. */
export interface FakeCommitInfo {
  parents: string[];
  message: string;
  tree: string;
  author: FakePerson;
  committer: FakePerson;
}

/**
 * A repository's files: commits (sha → path → text) with their parents and message (`info`),
 * trees (sha → path → text), branches (name → head sha), pulls. A pull request's files are
 * computed from the merge base of its head and base, as GitHub shows them.
 */
export interface FakeGit {
  defaultBranch: string;
  commits: Map<string, Map<string, string>>;
  info: Map<string, FakeCommitInfo>;
  trees: Map<string, Map<string, string>>;
  branches: Map<string, string>;
  pulls: FakePull[];
  /** Check runs published, in order. */
  checkRuns: { head_sha: string; name: string; conclusion?: string; summary?: string }[];
}

const LONG_AGO = "2026-01-01T00:00:00Z";

/** The counts GitHub gives with every comment (its "reaction rollup"). */
function reactionRollup(given: readonly string[]) {
  const kinds = ["+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket"];
  return {
    url: "https://api.github.com/reactions",
    total_count: given.length,
    ...Object.fromEntries(kinds.map((k) => [k, given.filter((g) => g === k).length])),
  };
}

export class FakeGitHub {
  readonly board = new FakeBoard();
  readonly repos = new Map<string, Repo>();
  /** Active members by team ("org/slug"), as GitHub's team memberships answer. */
  readonly teams = new Map<string, Set<string>>();
  /** Requests GitHub would have refused: must stay empty. */
  readonly problems: string[] = [];
  readonly stats = { requests: 0, faults: 0, byRoute: new Map<string, number>() };
  /** Every request in order: "METHOD /path", GraphQL ones with their operation's name. */
  readonly log: string[] = [];
  private faults: Fault[] = [];
  private nextId = 1000;
  private server?: Server;
  url = "";
  /** Check every request against GitHub's descriptions (off only to time the app alone). */
  check = true;
  /** Answer every request after a random pause in this range (ms), as a distant GitHub does. */
  latencyMs?: [number, number];
  /** When each request arrived (ms since the epoch), in order, with its log entry. */
  readonly timeline: { at: number; request: string }[] = [];

  constructor() {
    this.board.labeler = (issue, ids) => this.labelIssue(issue, ids);
  }

  repo(full: string): Repo {
    let repo = this.repos.get(full.toLowerCase());
    if (!repo) {
      const [owner, name] = full.split("/") as [string, string];
      repo = {
        owner,
        name,
        issues: new Map(),
        labels: new Map(),
        comments: [],
        permissions: new Map(),
      };
      this.repos.set(full.toLowerCase(), repo);
    }
    return repo;
  }

  addIssue(full: string, issue: Partial<FakeIssue> & { number: number; title: string }): FakeIssue {
    const now = new Date().toISOString();
    const created: FakeIssue = {
      body: "",
      state: "open",
      labels: [],
      user: "instance-manager",
      created_at: now,
      updated_at: now,
      ...issue,
    };
    this.repo(full).issues.set(issue.number, created);
    return created;
  }

  botComments(full: string, issue: number): FakeComment[] {
    return this.repo(full).comments.filter((c) => c.issue === issue && c.type === "Bot");
  }

  /** Where the App's webhook deliveries go, and the secret they are signed with. */
  hook?: { url: string; secret: string };
  /** Every attempt at a delivery, oldest first: GitHub's delivery log. */
  readonly deliveries: FakeDelivery[] = [];

  /**
   * Deliver a webhook as GitHub does: signed, to the hook's address, the attempt logged with its
   * outcome (status 0 when nothing answered: the app was down). Returns the status.
   */
  async deliverWebhook(
    event: string,
    payload: Record<string, unknown>,
    guid: string = randomUUID(),
    redelivery = false,
  ): Promise<number> {
    if (!this.hook) throw new Error("the fake GitHub has no webhook address");
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", this.hook.secret).update(body).digest("hex")}`;
    let status = 0;
    try {
      const response = await fetch(this.hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": guid,
          "x-hub-signature-256": signature,
        },
        body,
      });
      await response.text();
      status = response.status;
    } catch {
      status = 0; // connection refused: GitHub logs a failed delivery
    }
    this.deliveries.push({
      id: this.nextId++,
      guid,
      delivered_at: new Date().toISOString(),
      redelivery,
      status_code: status,
      status: status === 0 ? "failed to connect" : status < 400 ? "OK" : "Invalid HTTP Response",
      event,
      action: typeof payload.action === "string" ? payload.action : null,
      payload,
    });
    return status;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const method = req.method ?? "GET";
    // GitHub Enterprise paths, as Probot uses them with GHE_HOST: /api/v3/... and /api/graphql.
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/api\/v3/, "").replace(/^\/api\/graphql$/, "/graphql");
    const route = `${method} ${path}`;
    const operation =
      path === "/graphql"
        ? /^\s*(?:query|mutation)\s+(\w+)/.exec((body as { query?: string })?.query ?? "")?.[1]
        : undefined;
    this.stats.requests++;
    this.stats.byRoute.set(route, (this.stats.byRoute.get(route) ?? 0) + 1);
    this.log.push(operation ? `${route} ${operation}` : route);
    this.timeline.push({ at: Date.now(), request: this.log.at(-1)! });
    if (this.latencyMs) {
      const [low, high] = this.latencyMs;
      await new Promise((r) => setTimeout(r, low + Math.random() * (high - low)));
    }

    const fault = this.faults.find(
      (f) =>
        f.times > 0 && f.match.test(route) && (!f.operation || f.operation.test(operation ?? "")),
    );
    if (fault) {
      fault.times--;
      this.stats.faults++;
      if (await this.applyFault(fault, res, req)) return;
    }
    const problems = !this.check
      ? []
      : path === "/graphql"
        ? validateGraphqlRequest(
            (body as { query?: string })?.query ?? "",
            (body as { variables?: Record<string, unknown> })?.variables,
          )
        : validateRestRequest(method, `${path}${url.search}`, body);
    if (problems.length) {
      this.problems.push(...problems);
      return this.send(res, 422, { message: problems.join("; ") });
    }
    try {
      const [status, answer, headers] =
        this.answerGit(method, path, url.searchParams, body, req.headers.accept ?? "") ??
        this.answer(method, path, url.searchParams, body);
      this.send(res, status, answer, headers);
    } catch (error) {
      this.problems.push(`fake GitHub cannot answer ${route}: ${String(error)}`);
      this.send(res, 500, { message: String(error) });
    }
  }

  /** True when the fault answered the request itself. */
  private async applyFault(
    fault: Fault,
    res: ServerResponse,
    req: IncomingMessage,
  ): Promise<boolean> {
    switch (fault.kind) {
      case "500":
      case "502":
        this.send(res, Number(fault.kind), { message: "Server Error" });
        return true;
      case "forbidden":
        this.send(res, 403, {
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        });
        return true;
      case "secondary-rate-limit":
        this.send(
          res,
          403,
          {
            message:
              "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          },
          { "retry-after": "1" },
        );
        return true;
      case "primary-rate-limit":
        this.send(
          res,
          403,
          { message: "API rate limit exceeded for installation ID 4242." },
          {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 1),
          },
        );
        return true;
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 500));
        return false;
      case "drop":
        req.socket.destroy();
        return true;
    }
  }

  /** Requests in the current minute, for the rate-limit headers GitHub sends on every answer. */
  private minute = { at: 0, used: 0 };

  private rateLimit(): Record<string, string> {
    const at = Math.floor(Date.now() / 60_000);
    if (at !== this.minute.at) this.minute = { at, used: 0 };
    this.minute.used++;
    return {
      "x-ratelimit-limit": "5000",
      // Never 0 here (only the primary-rate-limit fault says 0): a client would wait for it.
      "x-ratelimit-remaining": String(Math.max(1, 5000 - this.minute.used)),
      "x-ratelimit-reset": String((at + 1) * 60),
    };
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
  ) {
    if (res.destroyed) return;
    const headers = { ...this.rateLimit(), ...extra };
    if (body instanceof RawText) {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(body.text);
      return;
    }
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  }

  private issueJson(repo: Repo, issue: FakeIssue) {
    const full = `${repo.owner}/${repo.name}`;
    return {
      id: issue.number,
      node_id: `I_issue${issue.number}`,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels.map((name) => ({
        name,
        color: repo.labels.get(name)?.color ?? "ededed",
      })),
      user: { login: issue.user, type: "User" },
      assignee: issue.assignees?.[0] ? { login: issue.assignees[0], type: "User" } : null,
      assignees: (issue.assignees ?? []).map((login) => ({ login, type: "User" })),
      html_url: `https://github.com/${full}/issues/${issue.number}`,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
    };
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      // The app's own comments are stored under its slug; another bot's under its own login.
      user: { login: c.user === APP_SLUG ? APP_LOGIN : c.user, type: c.type },
      issue_url: `https://api.github.com/issues/${c.issue}`,
      reactions: reactionRollup(c.reactions),
      created_at: c.created_at ?? LONG_AGO,
      updated_at: c.updated_at ?? c.created_at ?? LONG_AGO,
    };
  }

  private page<T>(items: T[], query: URLSearchParams): [number, T[], Record<string, string>] {
    const perPage = Number(query.get("per_page") ?? 30);
    const page = Number(query.get("page") ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URLSearchParams(query);
      next.set("page", String(page + 1));
      headers.link = `<${this.url}/api/v3/__PATH__?${next.toString()}>; rel="next"`;
    }
    return [200, slice, headers];
  }

  private touch(issue: FakeIssue) {
    issue.updated_at = new Date().toISOString();
  }

  /** The issue a GraphQL id names (`I_issue<number>`, in whichever repository has it). */
  private issueOfNode(id: string) {
    const number = Number(/^I_issue(\d+)$/.exec(id)?.[1]);
    for (const [full, repo] of this.repos)
      if (repo.issues.has(number)) return { number, repository: { nameWithOwner: full } };
    return null;
  }

  private answer(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): [number, unknown, Record<string, string>?] {
    if (path === "/graphql") {
      const { query: doc, variables } = body as {
        query: string;
        variables?: Record<string, unknown>;
      };
      if (/^\s*query\s+SysadminPipeIssueOfNode\b/.test(doc))
        return [200, { data: { node: this.issueOfNode(String(variables?.id)) } }];
      return [200, this.board.respond(doc, variables ?? {})];
    }
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return [
        201,
        {
          token: "ghs_fake_installation_token",
          expires_at: new Date(Date.now() + 3600e3).toISOString(),
        },
      ];
    }
    if (method === "GET" && path === "/app") {
      return [
        200,
        { id: 1, slug: APP_SLUG, name: APP_SLUG, owner: { login: "openfoodfoundation" } },
      ];
    }
    if (method === "GET" && path === "/app/hook/deliveries") {
      // Newest first, paged by cursor (the last id seen), as GitHub's log is.
      const cursor = Number(query.get("cursor") ?? Infinity);
      const perPage = Number(query.get("per_page") ?? 30);
      const newestFirst = [...this.deliveries].reverse().filter((d) => d.id < cursor);
      const page = newestFirst.slice(0, perPage);
      const more = newestFirst.length > perPage;
      const link: Record<string, string> = more
        ? {
            link: `<${this.url}/api/v3/app/hook/deliveries?per_page=${perPage}&cursor=${page.at(-1)!.id}>; rel="next"`,
          }
        : {};
      const items = page.map(({ payload, ...d }) => ({
        ...d,
        duration: 0.1,
        installation_id: (payload.installation as { id?: number } | undefined)?.id ?? null,
        repository_id: 1,
        throttled_at: null,
      }));
      return [200, items, link];
    }
    const attempt = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(path);
    if (attempt && method === "POST") {
      const delivery = this.deliveries.find((d) => d.id === Number(attempt[1]));
      if (!delivery) return [404, { message: "Not Found" }];
      // GitHub accepts at once and delivers after: the same guid, marked as a redelivery.
      setTimeout(
        () => void this.deliverWebhook(delivery.event, delivery.payload, delivery.guid, true),
        10,
      );
      return [202, {}];
    }
    if (method === "GET" && path === "/app/installations") {
      return [200, [{ id: 4242, account: { login: "openfoodfoundation", type: "Organization" } }]];
    }
    const team = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
    if (team && method === "GET") return this.membership(`${team[1]}/${team[2]}`, team[3]!);
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return [404, { message: "Not Found" }];
    const repo = this.repo(`${m[1]}/${m[2]}`);
    const rest = m[3] ?? "";
    const b = (body ?? {}) as Record<string, unknown>;
    const issueOf = (n: string) => repo.issues.get(Number(n));
    let r: RegExpExecArray | null;

    if (method === "GET" && rest === "/issues") {
      const state = query.get("state") ?? "open";
      const wanted = query.get("labels")?.split(",").filter(Boolean) ?? [];
      const list = [...repo.issues.values()]
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => wanted.every((l) => i.labels.includes(l)))
        .map((i) => this.issueJson(repo, i));
      return this.withPath(this.page(list, query), path);
    }
    if (method === "GET" && rest === "/issues/comments") {
      return this.withPath(
        this.page(
          repo.comments.map((c) => this.commentJson(c)),
          query,
        ),
        path,
      );
    }
    if ((r = /^\/issues\/(\d+)$/.exec(rest)) && method === "GET") {
      const issue = issueOf(r[1]!);
      return issue ? [200, this.issueJson(repo, issue)] : [404, { message: "Not Found" }];
    }
    if ((r = /^\/issues\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const issue = issueOf(r[1]!);
      if (!issue) return [404, { message: "Not Found" }];
      if (b.state === "open" || b.state === "closed") issue.state = b.state;
      if (typeof b.state_reason === "string") issue.state_reason = b.state_reason;
      if (typeof b.title === "string") issue.title = b.title;
      if (typeof b.body === "string") issue.body = b.body;
      this.touch(issue);
      return [200, this.issueJson(repo, issue)];
    }
    if (rest === "/issues" && method === "POST") {
      const number = Math.max(0, ...repo.issues.keys()) + 1;
      const labels = ((b.labels ?? []) as string[]).map(String);
      for (const name of labels) if (!repo.labels.has(name)) this.newLabel(repo, name);
      const issue = this.addIssue(`${repo.owner}/${repo.name}`, {
        number,
        title: String(b.title),
        body: String(b.body ?? ""),
        labels,
        user: `${APP_SLUG}[bot]`,
      });
      return [201, this.issueJson(repo, issue)];
    }
    if ((r = /^\/issues\/(\d+)\/assignees$/.exec(rest)) && /^(POST|DELETE)$/.test(method)) {
      const issue = issueOf(r[1]!);
      if (!issue) return [404, { message: "Not Found" }];
      const logins = (b.assignees ?? []) as string[];
      const kept = (issue.assignees ?? []).filter((a) => !logins.includes(a));
      issue.assignees = method === "POST" ? [...kept, ...logins] : kept;
      this.touch(issue);
      return [method === "POST" ? 201 : 200, this.issueJson(repo, issue)];
    }
    if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const n = Number(r[1]);
      if (method === "GET") {
        const list = repo.comments.filter((c) => c.issue === n).map((c) => this.commentJson(c));
        return this.withPath(this.page(list, query), path);
      }
      const comment: FakeComment = {
        id: this.nextId++,
        issue: n,
        body: String(b.body),
        user: APP_SLUG,
        type: "Bot",
        reactions: [],
        created_at: new Date().toISOString(),
      };
      repo.comments.push(comment);
      const issue = issueOf(r[1]!);
      if (issue) this.touch(issue);
      return [201, this.commentJson(comment)];
    }
    if ((r = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const comment = repo.comments.find((c) => c.id === Number(r![1]));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = String(b.body);
      comment.updated_at = new Date().toISOString();
      return [200, this.commentJson(comment)];
    }
    if ((r = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === "DELETE") {
      const at = repo.comments.findIndex((c) => c.id === Number(r![1]));
      if (at < 0) return [404, { message: "Not Found" }];
      repo.comments.splice(at, 1);
      return [204, undefined];
    }
    if ((r = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest)) && method === "POST") {
      const comment = repo.comments.find((c) => c.id === Number(r![1]));
      if (!comment) return [404, { message: "Not Found" }];
      comment.reactions.push(String(b.content));
      return [201, { id: this.nextId++, content: b.content }];
    }
    if (rest === "/labels" && method === "GET") {
      return this.withPath(this.page([...repo.labels.values()], query), path);
    }
    if (rest === "/labels" && method === "POST") {
      const name = String(b.name);
      if (repo.labels.has(name))
        return [
          422,
          {
            message: "Validation Failed",
            errors: [{ resource: "Label", code: "already_exists", field: "name" }],
          },
        ];
      const label = this.newLabel(repo, name, String(b.color ?? "ededed"));
      label.description = (b.description as string) ?? null;
      return [201, label];
    }
    if ((r = /^\/issues\/(\d+)\/labels$/.exec(rest)) && method === "POST") {
      const issue = issueOf(r[1]!);
      if (!issue) return [404, { message: "Not Found" }];
      for (const name of b.labels as string[]) {
        if (!repo.labels.has(name)) this.newLabel(repo, name);
        if (!issue.labels.includes(name)) issue.labels.push(name);
      }
      this.touch(issue);
      return [200, issue.labels.map((name) => ({ name }))];
    }
    if ((r = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(rest)) && method === "DELETE") {
      const issue = issueOf(r[1]!);
      const name = decodeURIComponent(r[2]!);
      if (!issue || !issue.labels.includes(name)) return [404, { message: "Label does not exist" }];
      issue.labels = issue.labels.filter((l) => l !== name);
      this.touch(issue);
      return [200, issue.labels.map((l) => ({ name: l }))];
    }
    if ((r = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === "GET") {
      const permission = repo.permissions.get(r[1]!) ?? "read";
      return [200, { permission, role_name: permission, user: { login: r[1] } }];
    }
    return [404, { message: `fake GitHub has no ${method} ${path}` }];
  }

  /** GitHub answers 404 for anyone who is not a member of the team. */
  private membership(team: string, login: string): [number, unknown] {
    if (!this.teams.get(team.toLowerCase())?.has(login)) return [404, { message: "Not Found" }];
    return [
      200,
      {
        url: `https://api.github.com/teams/1/memberships/${login}`,
        role: "member",
        state: "active",
      },
    ];
  }

  private newLabel(repo: Repo, name: string, color = "ededed"): FakeLabel {
    const label = { name, color, description: null, node_id: `LA_fake${this.nextId++}` };
    repo.labels.set(name, label);
    return label;
  }

  /** addLabelsToLabelable: the labels' repository holds the issue (I_issue<number>). */
  private labelIssue(issueId: string, labelIds: string[]): string | undefined {
    const found = labelIds.map((id) => this.labelById(id));
    const missing = labelIds.find((_, i) => !found[i]);
    if (missing) return `Could not resolve to a node with the global id of '${missing}'.`;
    const repo = found[0]?.repo;
    const issue = repo?.issues.get(Number(/^I_issue(\d+)$/.exec(issueId)?.[1]));
    if (!repo || !issue || found.some((f) => f?.repo !== repo))
      return `Could not resolve to a node with the global id of '${issueId}'.`;
    for (const f of found)
      if (!issue.labels.includes(f!.label.name)) issue.labels.push(f!.label.name);
    this.touch(issue);
    return undefined;
  }

  private labelById(id: string): { repo: Repo; label: FakeLabel } | undefined {
    for (const repo of this.repos.values()) {
      for (const label of repo.labels.values()) if (label.node_id === id) return { repo, label };
    }
    return undefined;
  }

  private withPath(
    [status, body, headers]: [number, unknown, Record<string, string>],
    path: string,
  ): [number, unknown, Record<string, string>] {
    if (headers.link) headers.link = headers.link.replace("__PATH__", path.replace(/^\//, ""));
    return [status, body, headers];
  }

  /** A repository's files and pull requests (created empty, on `main`). */
  git(full: string): FakeGit {
    const key = `git:${full.toLowerCase()}`;
    let git = this.gits.get(key);
    if (!git) {
      const root = "0".repeat(40);
      git = {
        defaultBranch: "main",
        commits: new Map([[root, new Map()]]),
        info: new Map(),
        trees: new Map(),
        branches: new Map([["main", root]]),
        pulls: [],
        checkRuns: [],
      };
      this.gits.set(key, git);
      git.info.set(root, {
        parents: [],
        message: "Initial commit",
        tree: this.treeOf(git, new Map()),
        author: PUSHER,
        committer: PUSHER,
      });
    }
    return git;
  }

  /** A tree's sha: its content's, so the same files always make the same tree. */
  private treeOf(git: FakeGit, files: Map<string, string>): string {
    const entries = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sha = this.sha(`tree:${JSON.stringify(entries)}`);
    git.trees.set(sha, new Map(files));
    return sha;
  }

  /** Record a commit of these files on these parents; its sha. */
  private makeCommit(
    git: FakeGit,
    files: Map<string, string>,
    parents: string[],
    message: string,
    author: FakePerson = PUSHER,
    committer: FakePerson = author,
  ): string {
    const tree = this.treeOf(git, files);
    const sha = this.sha(
      `commit:${JSON.stringify([tree, parents, message, author, committer])}:${this.nextId++}`,
    );
    git.commits.set(sha, new Map(files));
    git.info.set(sha, { parents, message, tree, author, committer });
    return sha;
  }

  /** Commit one file on a branch (the default one unless said), as a push would. */
  commitFile(
    full: string,
    path: string,
    text: string,
    branch?: string,
    message = `Update ${path}`,
  ): string {
    const git = this.git(full);
    const name = branch ?? git.defaultBranch;
    const parent = git.branches.get(name);
    const files = new Map(parent ? git.commits.get(parent) : []);
    files.set(path, text);
    const sha = this.makeCommit(git, files, parent ? [parent] : [], message);
    git.branches.set(name, sha);
    return sha;
  }

  /** Every commit reachable from `sha`, nearest first (breadth first). */
  private ancestry(git: FakeGit, sha: string): string[] {
    const seen: string[] = [];
    const queue = [sha];
    while (queue.length) {
      const next = queue.shift()!;
      if (seen.includes(next)) continue;
      seen.push(next);
      queue.push(...(git.info.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** The nearest commit both histories share, as `git merge-base` finds it. */
  mergeBase(full: string, a: string, b: string): string | undefined {
    const git = this.git(full);
    const other = new Set(this.ancestry(git, b));
    return this.ancestry(git, a).find((sha) => other.has(sha));
  }

  /**
   * A pull request's changes as GitHub shows them: each file changed between the merge base of
   * its head and base and its head, with the lines removed and added (one hunk per file, from
   * the first to the last changed line).
   */
  pullChanges(full: string, number: number): FakeFileChange[] {
    const git = this.git(full);
    const pull = git.pulls.find((p) => p.number === number);
    if (!pull) throw new Error(`no pull request #${number}`);
    const head = git.branches.get(pull.head) ?? pull.headSha;
    const baseHead = git.branches.get(pull.base)!;
    if (!head) return [];
    const base = this.mergeBase(full, head, baseHead);
    const before = base ? git.commits.get(base)! : new Map<string, string>();
    const after = git.commits.get(head)!;
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
    return paths.flatMap((filename) => {
      const [a, b] = [before.get(filename), after.get(filename)];
      if (a === b) return [];
      const status = a === undefined ? "added" : b === undefined ? "removed" : "modified";
      return [{ filename, status, ...lineChanges(a ?? "", b ?? "") }];
    });
  }

  /** A file's text on a branch or at a commit, or undefined. */
  fileAt(full: string, path: string, ref?: string): string | undefined {
    const git = this.git(full);
    const sha = git.branches.get(ref ?? git.defaultBranch) ?? ref ?? "";
    return git.commits.get(sha)?.get(path);
  }

  /**
   * Merge a pull request as GitHub's button does: its base gets the changes its head made since
   * their merge base (whole files: a file both sides changed differently is a conflict).
   */
  mergePull(full: string, number: number): FakePull {
    const git = this.git(full);
    const pull = git.pulls.find((p) => p.number === number);
    if (!pull || pull.state !== "open") throw new Error(`no open pull request #${number}`);
    const [head, base] = [git.branches.get(pull.head)!, git.branches.get(pull.base)!];
    const ancestor = git.commits.get(this.mergeBase(full, head, base)!)!;
    const [theirs, ours] = [git.commits.get(head)!, git.commits.get(base)!];
    const files = new Map(ours);
    for (const path of new Set([...ancestor.keys(), ...theirs.keys()])) {
      const [was, now] = [ancestor.get(path), theirs.get(path)];
      if (was === now) continue;
      if (ours.get(path) !== was && ours.get(path) !== now)
        throw new Error(`pull request #${number} conflicts in ${path}`);
      if (now === undefined) files.delete(path);
      else files.set(path, now);
    }
    const sha = this.makeCommit(git, files, [base, head], `Merge pull request #${number}`);
    git.branches.set(pull.base, sha);
    Object.assign(pull, { state: "closed", merged: true, headSha: head });
    return pull;
  }

  private readonly gits = new Map<string, FakeGit>();

  private sha(seed: string): string {
    return createHash("sha1").update(seed).digest("hex");
  }

  private blobSha(text: string): string {
    return this.sha(`blob:${text}`);
  }

  private pullJson(full: string, p: FakePull) {
    const [owner] = full.split("/");
    const git = this.git(full);
    return {
      id: p.number,
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      merged: p.merged,
      html_url: `https://github.com/${full}/pull/${p.number}`,
      head: {
        ref: p.head,
        sha: git.branches.get(p.head) ?? p.headSha,
        label: `${owner}:${p.head}`,
      },
      base: { ref: p.base, sha: git.branches.get(p.base), label: `${owner}:${p.base}` },
      user: { login: `${APP_SLUG}[bot]`, type: "Bot" },
    };
  }

  private commitJson(full: string, sha: string, info: FakeCommitInfo) {
    return {
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      url: `https://api.github.com/repos/${full}/git/commits/${sha}`,
      html_url: `https://github.com/${full}/commit/${sha}`,
      message: info.message,
      author: info.author,
      committer: info.committer,
      tree: { sha: info.tree, url: `https://api.github.com/repos/${full}/git/trees/${info.tree}` },
      parents: info.parents.map((p) => ({
        sha: p,
        url: `https://api.github.com/repos/${full}/git/commits/${p}`,
        html_url: `https://github.com/${full}/commit/${p}`,
      })),
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /**
   * The repository's own routes: its description, files (contents API, raw or JSON), git refs,
   * pull requests and check runs. Undefined for any other request.
   */
  private answerGit(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    accept: string,
  ): [number, unknown, Record<string, string>?] | undefined {
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/(?:contents|git|pulls|check-runs)(?:\/.*)?)?$/.exec(
      path,
    );
    if (!m) return undefined;
    const full = `${m[1]}/${m[2]}`;
    const git = this.git(full);
    const rest = m[3] ?? "";
    const b = (body ?? {}) as Record<string, string | undefined>;
    let r: RegExpExecArray | null;
    if (rest === "" && method === "GET") {
      const [owner, name] = [m[1]!, m[2]!];
      return [
        200,
        {
          id: 1,
          name,
          full_name: full,
          owner: { login: owner, type: "Organization" },
          private: false,
          default_branch: git.defaultBranch,
          html_url: `https://github.com/${full}`,
        },
      ];
    }
    if ((r = /^\/contents\/(.+)$/.exec(rest))) {
      const file = decodeURIComponent(r[1]!);
      if (method === "GET") {
        const text = this.fileAt(full, file, query.get("ref") ?? undefined);
        if (text === undefined) return [404, { message: "Not Found" }];
        if (accept.includes("raw")) return [200, new RawText(text)];
        // Like GitHub: a file over 1 MB comes with its size and no content in the JSON form.
        const size = Buffer.byteLength(text);
        const tooBig = size > 1024 * 1024;
        return [
          200,
          {
            type: "file",
            encoding: tooBig ? "none" : "base64",
            size,
            name: file.split("/").at(-1),
            path: file,
            sha: this.blobSha(text),
            content: tooBig ? "" : Buffer.from(text, "utf8").toString("base64"),
          },
        ];
      }
      if (method === "PUT") {
        const branch = b.branch ?? git.defaultBranch;
        if (!git.branches.has(branch)) return [404, { message: "Branch not found" }];
        const before = this.fileAt(full, file, branch);
        if (before !== undefined && b.sha !== this.blobSha(before))
          return [409, { message: `${file} does not match ${b.sha}` }];
        const text = Buffer.from(String(b.content), "base64").toString("utf8");
        const sha = this.commitFile(full, file, text, branch, b.message);
        const content = { name: file.split("/").at(-1), path: file, sha: this.blobSha(text) };
        return [before === undefined ? 201 : 200, { content, commit: { sha, message: b.message } }];
      }
    }
    if ((r = /^\/git\/ref\/(.+)$/.exec(rest)) && method === "GET") {
      // Octokit sends the ref encoded: heads%2Fmain.
      const name = decodeURIComponent(r[1]!).replace(/^heads\//, "");
      const sha = git.branches.get(name);
      if (!sha) return [404, { message: "Not Found" }];
      return [200, { ref: `refs/heads/${name}`, object: { sha, type: "commit" } }];
    }
    if ((r = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest)) && method === "GET") {
      const info = git.info.get(r[1]!);
      if (!info) return [404, { message: "Not Found" }];
      return [200, this.commitJson(full, r[1]!, info)];
    }
    if (rest === "/git/trees" && method === "POST") {
      const { base_tree: baseTree, tree } = body as {
        base_tree?: string;
        tree: { path: string; mode: string; type: string; content?: string; sha?: string | null }[];
      };
      const base = baseTree === undefined ? new Map<string, string>() : git.trees.get(baseTree);
      if (!base) return [422, { message: "Invalid tree info" }];
      const files = new Map(base);
      for (const entry of tree) {
        if (entry.type !== "blob" || entry.content === undefined)
          throw new Error("the fake's trees hold files given by content only");
        files.set(entry.path, entry.content);
      }
      const sha = this.treeOf(git, files);
      const entries = [...files.keys()].map((path) => ({ path, mode: "100644", type: "blob" }));
      return [
        201,
        {
          sha,
          url: `https://api.github.com/repos/${full}/git/trees/${sha}`,
          tree: entries,
          truncated: false,
        },
      ];
    }
    if (rest === "/git/commits" && method === "POST") {
      const { message, tree, parents, author, committer } = body as {
        message: string;
        tree: string;
        parents?: string[];
        author?: Partial<FakePerson>;
        committer?: Partial<FakePerson>;
      };
      const files = git.trees.get(tree);
      if (!files || (parents ?? []).some((p) => !git.info.has(p)))
        return [422, { message: "Tree or parent SHA does not exist" }];
      // Without an author GitHub records the app whose token made the commit, and now.
      const app = {
        name: `${APP_SLUG}[bot]`,
        email: `1+${APP_SLUG}[bot]@users.noreply.github.com`,
      };
      const who = (p?: Partial<FakePerson>): FakePerson => ({
        ...app,
        date: new Date().toISOString(),
        ...p,
      });
      const sha = this.makeCommit(
        git,
        files,
        parents ?? [],
        message,
        who(author),
        who(committer ?? author),
      );
      return [201, this.commitJson(full, sha, git.info.get(sha)!)];
    }
    if ((r = /^\/git\/refs\/(.+)$/.exec(rest)) && method === "PATCH") {
      const name = decodeURIComponent(r[1]!).replace(/^heads\//, "");
      const at = git.branches.get(name);
      if (!at) return [422, { message: "Reference does not exist" }];
      const sha = String(b.sha);
      if (!git.info.has(sha)) return [422, { message: "Object does not exist" }];
      const force = (body as { force?: boolean }).force === true;
      if (!force && !this.ancestry(git, sha).includes(at))
        return [422, { message: "Update is not a fast forward" }];
      git.branches.set(name, sha);
      return [200, { ref: `refs/heads/${name}`, object: { sha, type: "commit" } }];
    }
    if (rest === "/git/refs" && method === "POST") {
      const name = String(b.ref).replace(/^refs\/heads\//, "");
      if (git.branches.has(name)) return [422, { message: "Reference already exists" }];
      if (!git.commits.has(String(b.sha))) return [422, { message: "Object does not exist" }];
      git.branches.set(name, String(b.sha));
      return [201, { ref: b.ref, object: { sha: b.sha, type: "commit" } }];
    }
    if (rest === "/pulls" && method === "GET") {
      const head = query.get("head")?.split(":").at(-1);
      const state = query.get("state") ?? "open";
      const list = git.pulls
        .filter((p) => (state === "all" || p.state === state) && (!head || p.head === head))
        .map((p) => this.pullJson(full, p));
      return [200, list];
    }
    if (rest === "/pulls" && method === "POST") {
      const head = String(b.head);
      const base = String(b.base);
      if (!git.branches.has(head) || !git.branches.has(base) || head === base)
        return [
          422,
          {
            message: "Validation Failed",
            errors: [{ resource: "PullRequest", field: "head", code: "invalid" }],
          },
        ];
      const numbers = [...this.repo(full).issues.keys(), ...git.pulls.map((p) => p.number)];
      const pull: FakePull = {
        number: Math.max(500, ...numbers) + 1,
        title: String(b.title),
        body: b.body ?? "",
        head,
        base,
        state: "open",
        merged: false,
      };
      git.pulls.push(pull);
      return [201, this.pullJson(full, pull)];
    }
    if ((r = /^\/pulls\/(\d+)$/.exec(rest)) && method === "GET") {
      const pull = git.pulls.find((p) => p.number === Number(r![1]));
      if (!pull) return [404, { message: "Not Found" }];
      return [200, this.pullJson(full, pull)];
    }
    if ((r = /^\/pulls\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const pull = git.pulls.find((p) => p.number === Number(r![1]));
      if (!pull) return [404, { message: "Not Found" }];
      if (b.title !== undefined) pull.title = String(b.title);
      if (b.body !== undefined) pull.body = String(b.body);
      if (b.state === "closed" || b.state === "open") pull.state = b.state;
      return [200, this.pullJson(full, pull)];
    }
    if ((r = /^\/pulls\/(\d+)\/files$/.exec(rest)) && method === "GET") {
      const pull = git.pulls.find((p) => p.number === Number(r![1]));
      if (!pull) return [404, { message: "Not Found" }];
      // From the merge base, as GitHub shows a pull request's files.
      const files = this.pullChanges(full, pull.number).map((f) => ({
        sha: this.blobSha(this.fileAt(full, f.filename, pull.head) ?? ""),
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `https://github.com/${full}/blob/${pull.head}/${f.filename}`,
        raw_url: `https://github.com/${full}/raw/${pull.head}/${f.filename}`,
        contents_url: `https://api.github.com/repos/${full}/contents/${f.filename}?ref=${pull.head}`,
        patch: f.patch,
      }));
      return [200, files];
    }
    if (rest === "/check-runs" && method === "POST") {
      const output = (body as { output?: { summary?: string } }).output;
      git.checkRuns.push({
        head_sha: String(b.head_sha),
        name: String(b.name),
        conclusion: b.conclusion,
        summary: output?.summary,
      });
      return [201, { id: this.nextId++, head_sha: b.head_sha, name: b.name }];
    }
    return undefined;
  }
}

// The one way the app and the command line get a GitHub client: hardened against short
// secondary rate limits, and refusing to write once the work's lock has lapsed.
import { assertLeaseHeld } from "../coordination/lease.js";
import { harden } from "./resilience.js";
import type { GitHub } from "./client-types.js";
import type { Logger } from "../logger.js";
import { countGitHubRequest } from "../metrics/metrics.js";

export interface ClientOptions {
  log: Logger;
}

/** GraphQL queries read; mutations write. */
const isMutation = (body: unknown): boolean =>
  /^(?:\s|#[^\n]*\n)*mutation\b/.test(
    String((body as { query?: unknown } | undefined)?.query ?? ""),
  );

/** Whether a request would change something on GitHub. (An installation token is a read.) */
export function isWrite(method: string, url: string, body: unknown): boolean {
  if (method === "GET" || method === "HEAD") return false;
  if (/\/app\/installations\/[^/]+\/access_tokens$/.test(url)) return false;
  if (url === "/graphql" || url.endsWith("/graphql")) return isMutation(body);
  return true;
}

const LEASED = Symbol.for("sysadmin-pipe.leased");

/** No write leaves while the work's lock has lapsed (see coordination/lease.ts). */
function guardLease(github: GitHub): GitHub {
  const marked = github as GitHub & { [LEASED]?: boolean };
  if (marked[LEASED]) return github;
  marked[LEASED] = true;
  github.hook.before("request", (options) => {
    const body = (options as { query?: unknown }).query ? options : options.data;
    if (isWrite(String(options.method).toUpperCase(), String(options.url), body)) assertLeaseHeld();
  });
  return github;
}

const COUNTED = Symbol.for("sysadmin-pipe.counted");

/** Every answer counted for the metrics: API, read or write, status, and the rate limit left. */
function countRequests(github: GitHub): GitHub {
  const marked = github as GitHub & { [COUNTED]?: boolean };
  if (marked[COUNTED]) return github;
  marked[COUNTED] = true;
  github.hook.wrap("request", async (request, options) => {
    const url = String(options.url);
    const api = url === "/graphql" || url.endsWith("/graphql") ? "graphql" : "rest";
    const body = (options as { query?: unknown }).query ? options : options.data;
    const kind = isWrite(String(options.method).toUpperCase(), url, body) ? "write" : "read";
    try {
      const response = await request(options);
      countGitHubRequest(api, kind, response.status, response.headers);
      return response;
    } catch (error) {
      const e = error as { status?: number; response?: { headers?: Record<string, string> } };
      countGitHubRequest(api, kind, e.status ?? 0, e.response?.headers);
      throw error;
    }
  });
  return github;
}

/** A client for one delivery, sweep or command run. (Dry run is the executor's: executor.ts.) */
export function gitHubClient(octokit: unknown, options: ClientOptions): GitHub {
  return guardLease(harden(countRequests(octokit as GitHub), options.log));
}

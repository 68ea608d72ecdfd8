// The one way the app and the command line get a GitHub client: hardened against short
// secondary rate limits, and refusing to write once the work's lock has lapsed.
import { assertLeaseHeld } from "../coordination/lease.js";
import { harden } from "./resilience.js";
import type { GitHub } from "./client-types.js";
import type { Logger } from "../logger.js";

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

/** A client for one delivery, sweep or command run. (Dry run is the executor's: executor.ts.) */
export function gitHubClient(octokit: unknown, options: ClientOptions): GitHub {
  return guardLease(harden(octokit as GitHub, options.log));
}

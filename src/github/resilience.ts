// GitHub hiccups the app rides out. In the app, Probot's Octokit already retries server errors
// (1 s, 4 s, 9 s) and waits out rate limits. A plain Octokit, as the command line uses, does
// neither for a secondary rate limit: here we wait out a short `retry-after` and try again.
// (Outermost hook: it only sees what the inner retry and throttling plugins gave up on.)
import type { GitHub } from "./client-types.js";
import type { Logger } from "../logger.js";

const HARDENED = Symbol.for("sysadmin-pipe.hardened");
const MAX_WAIT_MS = 5_000;
const MAX_TRIES = 3;

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** How long GitHub asks us to wait, for a secondary rate limit; undefined for other errors. */
export function secondaryRateLimitWait(error: unknown): number | undefined {
  const e = error as HttpError;
  if (e.status !== 403 && e.status !== 429) return undefined;
  const headers = e.response?.headers ?? {};
  const secondary =
    /secondary rate limit/i.test(e.message ?? "") || headers["retry-after"] !== undefined;
  if (!secondary || headers["x-ratelimit-remaining"] === "0") return undefined;
  const seconds = Number(headers["retry-after"] ?? 60);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function harden(github: GitHub, log: Logger): GitHub {
  const marked = github as GitHub & { [HARDENED]?: boolean };
  if (marked[HARDENED]) return github;
  marked[HARDENED] = true;
  github.hook.wrap("request", async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const wait = secondaryRateLimitWait(error);
        if (wait === undefined || wait > MAX_WAIT_MS || attempt >= MAX_TRIES) throw error;
        log.warn(
          { request: `${options.method} ${options.url}`, waitMs: wait, attempt },
          "GitHub secondary rate limit: waiting, then trying again",
        );
        await sleep(wait);
      }
    }
  });
  return github;
}

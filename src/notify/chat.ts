// Post a message to a chat channel through a Slack-compatible incoming webhook. Optional (set
// CHAT_WEBHOOK_URL); a channel that is down costs a few retries and one log line, never a triage.
import type { Logger } from "../logger.js";
import { redactSecrets } from "../redact.js";

export interface ChatOptions {
  attempts?: number;
  timeoutMs?: number;
  /** First pause between attempts; it doubles each time. */
  backoffMs?: number;
}

export interface Chat {
  send(text: string): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server error or rate limit may pass; a 4xx (wrong URL, revoked hook) will not. */
const worthRetrying = (status: number) => status === 429 || status >= 500;

export function chatWebhook(url: string, log: Logger, options: ChatOptions = {}): Chat {
  // Defaults keep the worst case (3 × 1.5 s + pauses) well inside GitHub's 10 s webhook wait.
  const { attempts = 3, timeoutMs = 1500, backoffMs = 200 } = options;
  const where = new URL(url).host;
  return {
    async send(text) {
      let problem = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ text }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (response.ok) return true;
          problem = `HTTP ${response.status}`;
          if (!worthRetrying(response.status)) break;
        } catch (error) {
          // A fetch error can quote the URL, whose path or query is the channel's secret.
          problem =
            (error as Error).name === "TimeoutError"
              ? "no answer in time"
              : redactSecrets(String((error as Error).message));
        }
        if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1));
      }
      log.warn(
        { chat: where },
        `chat channel unreachable (${problem}); the message was not posted`,
      );
      return false;
    },
  };
}

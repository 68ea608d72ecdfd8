// GET /metrics: this replica's metrics in the OpenMetrics text format, for Prometheus or
// Datadog's OpenMetrics check. Behind the same rule as /status's details (the status token, as
// `Authorization: Bearer …`, or this machine): the figures hold no names, but they say how busy
// the pipe is and how much of GitHub's rate limit is left, which is nobody else's business.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WorkQueue } from "../coordination/types.js";
import { metricsText, METRICS_CONTENT_TYPE } from "../metrics/metrics.js";
import { asker } from "./status.js";

export interface MetricsDeps {
  queue: WorkQueue;
  /** STATUS_TOKEN */
  token?: string;
}

export function metricsHandler(deps: MetricsDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics") return false;
    if (asker(req, deps.token) !== "trusted") {
      res
        .writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" })
        .end("the metrics need the status token (STATUS_TOKEN) or a request from this machine\n");
      return true;
    }
    try {
      const text = await Promise.race([
        metricsText(() => deps.queue.status()),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("Redis did not answer within 2 s")), 2_000).unref(),
        ),
      ]);
      res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(text);
    } catch (error) {
      res.writeHead(503, { "content-type": "text/plain" }).end(`${(error as Error).message}\n`);
    }
    return true;
  };
}

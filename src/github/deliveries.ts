// GitHub's log of the App's webhook deliveries (kept three days, newest first, paged by cursor),
// read with the App's own (JWT) client: which deliveries never reached the app with success.
import type { GitHub } from "./client-types.js";

/** A delivery that never got a successful answer, on any attempt: the newest attempt's id. */
export interface FailedDelivery {
  /** The attempt to redeliver (the newest). */
  id: number;
  /** The X-GitHub-Delivery value every attempt of it shares. */
  guid: string;
  event: string;
  action: string | null;
  deliveredAt: string;
}

/** A 2xx or 3xx answer is a delivery the app took; anything else (0: no answer at all) is not. */
const succeeded = (statusCode: number) => statusCode >= 200 && statusCode < 400;

/**
 * The deliveries since `since` (ISO time) none of whose attempts succeeded, oldest first, and
 * the newest delivery time seen (where the next look starts). Stops paging at `since`.
 */
export async function failedDeliveriesSince(
  app: GitHub,
  since: string,
): Promise<{ failed: FailedDelivery[]; newest?: string }> {
  const attempts = new Map<string, { ok: boolean; newest: FailedDelivery }>();
  let newest: string | undefined;
  for await (const page of app.paginate.iterator(app.rest.apps.listWebhookDeliveries, {
    per_page: 100,
  })) {
    let older = false;
    for (const d of page.data) {
      if (d.delivered_at < since) {
        older = true;
        continue;
      }
      if (!newest || d.delivered_at > newest) newest = d.delivered_at;
      const seen = attempts.get(d.guid);
      const attempt = {
        id: d.id,
        guid: d.guid,
        event: d.event,
        action: d.action,
        deliveredAt: d.delivered_at,
      };
      const later = !seen || d.delivered_at > seen.newest.deliveredAt;
      attempts.set(d.guid, {
        ok: (seen?.ok ?? false) || succeeded(d.status_code),
        newest: later ? attempt : seen.newest,
      });
    }
    if (older) break; // newest first: the rest is older still
  }
  const failed = [...attempts.values()]
    .filter((a) => !a.ok)
    .map((a) => a.newest)
    .sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt));
  return newest ? { failed, newest } : { failed };
}

/** Ask GitHub to deliver it again (same X-GitHub-Delivery, `redelivery: true` in the log). */
export async function redeliver(app: GitHub, id: number): Promise<void> {
  await app.rest.apps.redeliverWebhookDelivery({ delivery_id: id });
}

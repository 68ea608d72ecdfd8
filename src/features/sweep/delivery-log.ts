// GitHub keeps every App webhook delivery for three days with its outcome, and redelivers one on
// request ("Handling failed webhook deliveries" in GitHub's docs). On start and every sweep
// period (one replica at a time), the app reads the log since its last look, asks for each
// delivery that never got a successful answer to be delivered again, once, and notes what it
// did for /status. A redelivery is an ordinary delivery: it is queued and handled like the first.
import { countRedeliveries } from "../../metrics/metrics.js";
import type { Coordinator } from "../../coordination/types.js";
import type { GitHub } from "../../github/client-types.js";
import { failedDeliveriesSince, type FailedDelivery } from "../../github/deliveries.js";
import type { Executor } from "../../github/executor.js";
import type { Logger } from "../../logger.js";

/** The coordinator's note of the last look, for the next one and for /status. */
export const DELIVERY_LOG = "delivery-log";

/** How long GitHub keeps a delivery: older ones cannot be asked for again. */
const KEPT_MS = 3 * 24 * 60 * 60 * 1000;

export interface DeliveryLogNote {
  /** The newest delivery seen: the next look starts there. */
  lastLook: string;
  checkedAt: string;
  /** Redeliveries asked for since the app's first look. */
  redelivered: number;
  /** The latest ones asked for (at most 20). */
  recent: { guid: string; event: string; action: string | null; deliveredAt: string }[];
}

export async function redeliverFailed(
  app: GitHub,
  act: Executor,
  coordinator: Coordinator,
  log: Logger,
): Promise<DeliveryLogNote> {
  const before = (await coordinator.note(DELIVERY_LOG)) as DeliveryLogNote | null | undefined;
  const oldest = new Date(Date.now() - KEPT_MS).toISOString();
  const since = before?.lastLook && before.lastLook > oldest ? before.lastLook : oldest;
  const { failed, newest } = await failedDeliveriesSince(app, since);
  const asked: FailedDelivery[] = [];
  for (const delivery of failed) {
    // Once each, whichever replica looks: a second failure is the sweep's to find.
    if (!(await coordinator.claim(`redelivered:${delivery.guid}`, KEPT_MS / 1000))) continue;
    await act.redeliver(delivery.id);
    asked.push(delivery);
  }
  countRedeliveries(asked.length);
  if (asked.length)
    log.info(
      { redelivered: asked.map((d) => `${d.event}${d.action ? `.${d.action}` : ""} ${d.guid}`) },
      "asked GitHub to deliver again what never reached the app",
    );
  const note: DeliveryLogNote = {
    lastLook: newest ?? since,
    checkedAt: new Date().toISOString(),
    redelivered: (before?.redelivered ?? 0) + asked.length,
    recent: [
      ...asked.map(({ guid, event, action, deliveredAt }) => ({
        guid,
        event,
        action,
        deliveredAt,
      })),
      ...(before?.recent ?? []),
    ].slice(0, 20),
  };
  await coordinator.note(DELIVERY_LOG, note);
  return note;
}

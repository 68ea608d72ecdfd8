// A stopping app lets the deliveries it is receiving queue their work before the queue closes:
// closing first answered a delivery in its last milliseconds with 500 (seen in the rolling
// restart under load), which GitHub records as failed.
import { InFlight } from "../src/handlers/in-flight.js";

test("a delivery being received when the app stops still queues its work, then the queue closes", async () => {
  const inFlight = new InFlight();
  let queueOpen = true;
  inFlight.onStop(async () => {
    queueOpen = false;
  });
  let release!: () => void;
  const delivery = inFlight.trackDelivery(async () => {
    await new Promise<void>((resolve) => (release = resolve));
    return queueOpen; // the work is added now
  });
  const stopping = inFlight.stop();
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(queueOpen).toBe(true);
  release();
  expect(await delivery).toBe(true);
  await stopping;
  expect(queueOpen).toBe(false);
});

test("queued work running when the app stops finishes before stop() resolves", async () => {
  const inFlight = new InFlight();
  let done = false;
  void inFlight.track(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    done = true;
  });
  await inFlight.stop();
  expect(done).toBe(true);
});

// Response promises as a request lives them (work in progress: the clock is recorded; the card's
// Respond by, the escalations, the first response and the reports are still to come).
import { jest } from "@jest/globals";
import nock from "nock";
import { startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { issueTalk } from "./helpers/issue-talk.js";

jest.setTimeout(60_000);

const REPO = "openfoodfoundation/ofn-install";
let app: LoopbackApp;
const talk = issueTalk(() => app, REPO, 90_000);

beforeAll(async () => {
  nock.restore();
  app = await startLoopbackApp();
});
afterAll(async () => {
  await app.stop();
  nock.activate();
});

test("a full-tier S0, accepted, starts a clock due in the hour its tier promises", async () => {
  await talk.open(1, { title: "UK IS ON FIRE", body: "openfoodnetwork.org.uk is down since 9:00" });
  const { state } = talk.stateOf(1);
  expect(state?.outcome).toBe("accepted");
  const response = state!.response!;
  expect(response).toMatchObject({ severity: "S0", escalated: [] });
  expect(Date.parse(response.dueAt) - Date.parse(response.startedAt)).toBe(60 * 60_000);
});

test("a basic-tier S0 (rejected: basic answers no S0) has no clock", async () => {
  await talk.open(2, { title: "Germany down", body: "openfoodnetwork.de is down, 502 everywhere" });
  const { state } = talk.stateOf(2);
  expect(state?.outcome).toBe("rejected");
  expect(state?.response).toBeUndefined();
});

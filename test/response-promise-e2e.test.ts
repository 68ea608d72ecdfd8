// Response promises as a request lives them (work in progress: the clock is recorded and the
// card shows its Respond by; the escalations, the first response and the reports are still to
// come).
import { jest } from "@jest/globals";
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
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
// Every request the app sent is one GitHub's schema accepts.
afterEach(() => expect(app.fake.problems).toEqual([]));

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

const UK_FIRE = { title: "UK IS ON FIRE", body: "openfoodnetwork.org.uk is down since 9:00" };

test("an accepted full-tier S0's card shows Respond by, the day its hour runs out", async () => {
  await talk.open(3, UK_FIRE);
  const due = talk.stateOf(3).state!.response!.dueAt;
  const card = app.fake.board.card(3);
  expect(card?.values.Status).toBe("Emergency");
  expect(card?.dates).toEqual({ "Respond by": new Date(due).toISOString().slice(0, 10) });
});

test("a board without a Respond by field gets the card without it, and the log says so", async () => {
  const board = app.fake.board;
  const field = board.field("Respond by")!;
  board.fields = board.fields.filter((f) => f !== field);
  forgetBoards(); // the app reads the board's fields again, as after a restart
  try {
    await talk.open(4, UK_FIRE);
    expect(board.card(4)?.values).toMatchObject({ Status: "Emergency", Severity: "S0" });
    expect(board.card(4)?.dates).toEqual({});
    expect(talk.stateOf(4).text).not.toContain("Could not");
    expect(app.logLines.some((l) => l.includes("the board has no such date field"))).toBe(true);
  } finally {
    board.fields.push(field);
    forgetBoards();
  }
});

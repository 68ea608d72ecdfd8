// The card's Respond by, as pure rules: the day a promised first response is due while nobody
// has answered, compared with what the app set before writing, and repaired by the sweep.
import { staleness } from "../src/features/sweep/sweep.js";
import {
  boardTarget,
  hasBoardWrites,
  planBoardWrites,
  respondByDate,
  sameAsRecorded,
  type ActualItem,
  type BoardTarget,
} from "../src/triage/card.js";
import { decide } from "../src/triage/decide.js";
import type { RecordedState, ResponseClock } from "../src/triage/state.js";
import { shippedConfig } from "./helpers/config.js";

const shipped = shippedConfig();
const board = { ...shipped.policy.board!, number: 5 };
const config = { ...shipped, policy: { ...shipped.policy, board } };

/** An S0's clock, started at 10:00 and due at `dueAt`. */
const running = (dueAt = "2026-11-20T11:00:00.000Z"): ResponseClock => ({
  severity: "S0",
  tier: "full",
  startedAt: "2026-11-20T10:00:00.000Z",
  dueAt,
  escalated: [],
});
const answered: ResponseClock = {
  ...running(),
  respondedAt: "2026-11-20T10:20:00.000Z",
  respondedBy: "dev",
};

const ukFire = decide(
  {
    repo: "openfoodfoundation/ofn-install",
    title: "UK IS ON FIRE",
    body: "openfoodnetwork.org.uk is down since 9:00",
    labels: [],
  },
  config.registry,
  config.policy,
);

describe("respondByDate: the UTC day a running clock is due", () => {
  test("the day of the due time", () => {
    expect(respondByDate(running())).toBe("2026-11-20");
  });
  test("an hour's promise made at 23:30 is due the next day", () => {
    expect(respondByDate(running("2026-11-21T00:30:00.000Z"))).toBe("2026-11-21");
  });
  test("the day is counted in UTC, whatever offset the time was written with", () => {
    expect(respondByDate(running("2026-11-21T01:30:00+02:00"))).toBe("2026-11-20");
  });
  test("nothing once someone answered, nor without a clock", () => {
    expect(respondByDate(answered)).toBeUndefined();
    expect(respondByDate(undefined)).toBeUndefined();
  });
});

describe("the card the app wants", () => {
  test("an open accepted S0's card shows the day its promise runs out", () => {
    expect(ukFire.outcome).toBe("accepted");
    const target = boardTarget(ukFire, "open", config.registry, undefined, running());
    expect(target).toMatchObject({ onBoard: true, column: "emergency", respondBy: "2026-11-20" });
  });
  test("a closed issue's card, an answered clock and no clock have none", () => {
    const none = (target: BoardTarget) => expect(target).not.toHaveProperty("respondBy");
    none(boardTarget(ukFire, "closed", config.registry, undefined, running()));
    none(boardTarget(ukFire, "open", config.registry, undefined, answered));
    none(boardTarget(ukFire, "open", config.registry));
  });
  test("a Respond by changed or emptied since the app last set it is a write", () => {
    const target = boardTarget(ukFire, "open", config.registry, undefined, running());
    const record = { column: target.column, values: target.values, respondBy: "2026-11-20" };
    expect(sameAsRecorded(target, record)).toBe(true);
    expect(sameAsRecorded(target, { ...record, respondBy: "2026-11-19" })).toBe(false);
    expect(sameAsRecorded({ ...target, respondBy: undefined }, record)).toBe(false);
  });
});

describe("planning the Respond by write", () => {
  const card: ActualItem = { id: "I", archived: false, values: { Status: "Emergency" } };
  const wanted: BoardTarget = { onBoard: true, column: "emergency", values: {} };
  const plan = (target: BoardTarget, actual: ActualItem, set?: string) =>
    planBoardWrites(target, actual, { column: "emergency", respondBy: set }, board);

  test("a card without the day gets it; one that has it needs nothing", () => {
    const writes = plan({ ...wanted, respondBy: "2026-11-20" }, card);
    expect(writes.respondBy).toBe("2026-11-20");
    expect(hasBoardWrites(writes)).toBe(true);
    const same = plan({ ...wanted, respondBy: "2026-11-20" }, { ...card, respondBy: "2026-11-20" });
    expect(same).not.toHaveProperty("respondBy");
    expect(hasBoardWrites(same)).toBe(false);
  });
  test("a later day (a lowered severity) replaces the earlier one", () => {
    const later = plan(
      { ...wanted, respondBy: "2026-11-25" },
      { ...card, respondBy: "2026-11-20" },
    );
    expect(later.respondBy).toBe("2026-11-25");
  });
  test("once nothing is due, the day the app set is emptied; a day a person typed stays", () => {
    const mine = { ...card, respondBy: "2026-11-20" };
    expect(plan(wanted, mine, "2026-11-20").respondBy).toBeNull();
    expect(plan(wanted, { ...card, respondBy: "2026-11-23" }, "2026-11-20")).not.toHaveProperty(
      "respondBy",
    );
    expect(plan(wanted, card, "2026-11-20")).not.toHaveProperty("respondBy");
  });
});

describe("the sweep repairs a card whose Respond by differs", () => {
  const target = boardTarget(ukFire, "open", config.registry);
  const previous = (respondBy?: string): RecordedState => ({
    v: 1,
    applied: ukFire.labels,
    suppressed: [],
    overrides: {},
    outcome: ukFire.outcome,
    board: { column: "emergency", values: target.values, ...(respondBy ? { respondBy } : {}) },
    response: running(),
  });
  const look = (state: RecordedState) =>
    staleness(ukFire, ukFire.labels, { body: "x" }, state, { config, trusted: true }, "open");

  test("a recorded day that is not the clock's is stale; the clock's is not", () => {
    expect(look(previous())).toBe("the board card's fields differ from the issue");
    expect(look(previous("2026-11-19"))).toBe("the board card's fields differ from the issue");
    expect(look(previous("2026-11-20"))).toBeUndefined();
  });
});

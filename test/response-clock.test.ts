// The response promise as a clock: started on acceptance, stopped by a person's first response,
// escalated at half time and at breach for an S0, and judged met or missed.
import {
  clockFor,
  escalationsDue,
  minutesToResponse,
  nextEscalationAt,
  promiseMinutes,
  promiseOutcome,
  respond,
  strictestPromise,
  withEscalated,
} from "../src/triage/response-clock.js";
import type { Policy, TierPolicy } from "../src/registry/policy.js";
import type { Severity } from "../src/registry/vocabulary.js";

const FULL = {
  covers: ["outage"],
  s0_response: true,
  respond_within: { S0: "1h", S1: "1d", S2: "5d" },
} as unknown as TierPolicy;
const BASIC = {
  covers: [],
  s0_response: false,
  respond_within: { S1: "2d" },
} as unknown as TierPolicy;
const POLICY = { tiers: { full: FULL, basic: BASIC } } as unknown as Policy;
const full = (severity: Severity) => strictestPromise(["full"], POLICY, severity);
const basic = (severity: Severity) => strictestPromise(["basic"], POLICY, severity);
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 6, 9, 0) + minutes * 60_000);

describe("a full-tier S0 promised a response within the hour", () => {
  const started = clockFor(undefined, true, "S0", full("S0"), at(0))!;

  test("its clock starts when it is accepted, due an hour later", () => {
    expect(started).toMatchObject({
      severity: "S0",
      tier: "full",
      startedAt: at(0).toISOString(),
      dueAt: at(60).toISOString(),
      escalated: [],
    });
  });

  test("it escalates at half time, then at breach, each once", () => {
    expect(escalationsDue(started, at(29))).toEqual([]);
    expect(escalationsDue(started, at(30))).toEqual(["half"]);
    const halfDone = withEscalated(started, ["half"]);
    expect(escalationsDue(halfDone, at(45))).toEqual([]);
    expect(nextEscalationAt(halfDone)).toBe(at(60).getTime());
    expect(escalationsDue(halfDone, at(61))).toEqual(["breach"]);
    // A replica that slept through both steps takes them in order, once.
    expect(escalationsDue(started, at(90))).toEqual(["half", "breach"]);
    expect(escalationsDue(withEscalated(started, ["half", "breach"]), at(90))).toEqual([]);
  });

  test("a maintainer's comment stops it; the requester's and the bot's do not", () => {
    expect(respond(started, "de-manager", at(10), "de-manager", "sysadmin-pipe[bot]")).toBe(
      started,
    );
    expect(respond(started, "sysadmin-pipe[bot]", at(10), "x", "sysadmin-pipe[bot]")).toBe(started);
    const answered = respond(started, "maintainer", at(40), "de-manager", "sysadmin-pipe[bot]");
    expect(answered).toMatchObject({
      respondedBy: "maintainer",
      respondedAt: at(40).toISOString(),
    });
    expect(escalationsDue(answered, at(90))).toEqual([]);
    expect(promiseOutcome(answered, at(90))).toBe("met");
    expect(minutesToResponse(answered)).toBe(40);
  });

  test("unanswered past its time it is missed; answered late it stays missed", () => {
    expect(promiseOutcome(started, at(59))).toBe("open");
    expect(promiseOutcome(started, at(61))).toBe("missed");
    expect(promiseOutcome(respond(started, "maintainer", at(75), "x", "bot"), at(80))).toBe(
      "missed",
    );
  });

  test("a second decision keeps the clock; a raise from S2 to S0 starts it again", () => {
    expect(clockFor(started, true, "S0", full("S0"), at(20))).toBe(started);
    const s2 = clockFor(undefined, true, "S2", full("S2"), at(0))!;
    expect(s2.dueAt).toBe(at(5 * 24 * 60).toISOString());
    expect(escalationsDue(s2, at(10_000))).toEqual([]); // only S0s escalate
    const raised = clockFor(s2, true, "S0", full("S0"), at(100))!;
    expect(raised).toMatchObject({ severity: "S0", dueAt: at(160).toISOString() });
    // Lowered again: the longer promise, counted from when the S0 clock started.
    const lowered = clockFor(withEscalated(raised, ["half"]), true, "S1", full("S1"), at(140))!;
    expect(lowered).toMatchObject({ severity: "S1", startedAt: at(100).toISOString() });
    expect(lowered.dueAt).toBe(at(100 + 24 * 60).toISOString());
    expect(escalationsDue(lowered, at(200))).toEqual([]);
  });

  test("of two covering tiers, the quicker promise is the one kept, with its tier", () => {
    const both = { tiers: { full: FULL, basic: { ...BASIC, respond_within: { S1: "2h" } } } };
    expect(strictestPromise(["full", "basic"], both as unknown as Policy, "S1")).toEqual({
      tier: "basic",
      minutes: 120,
    });
    expect(strictestPromise(["basic"], POLICY, "S0")).toBeUndefined();
  });
});

test("a request accepted before promises existed gets no clock, unless a person raises it", () => {
  const before = { accepted: true, severity: "S2" } as const;
  expect(clockFor(undefined, true, "S2", full("S2"), at(0), before)).toBeUndefined();
  expect(clockFor(undefined, true, "S0", full("S0"), at(0), before)?.dueAt).toBe(
    at(60).toISOString(),
  );
  expect(clockFor(undefined, true, "S2", full("S2"), at(0), { accepted: false })?.dueAt).toBe(
    at(5 * 24 * 60).toISOString(),
  );
});

test("a basic-tier S0 has no clock: basic promises no S0 response", () => {
  expect(clockFor(undefined, false, "S0", basic("S0"), at(0))).toBeUndefined();
  expect(clockFor(undefined, true, "S0", basic("S0"), at(0))).toBeUndefined();
  expect(clockFor(undefined, true, "S1", basic("S1"), at(0))?.dueAt).toBe(
    at(2 * 24 * 60).toISOString(),
  );
});

test("promised times read as calendar minutes", () => {
  expect([promiseMinutes("30m"), promiseMinutes("4h"), promiseMinutes("5d")]).toEqual([
    30, 240, 7200,
  ]);
});

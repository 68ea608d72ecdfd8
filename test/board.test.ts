// The sysadmin pipe board: accepted work lands on a Projects (v2) board developers pull from.
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { placeInReady, planBoardWrites } from "../src/triage/card.js";
import type { Clock } from "../src/clock.js";
import { decodeState, encodeState } from "../src/triage/state.js";
import { shippedConfig, withTiers } from "./helpers/config.js";
import { FakeBoard } from "./helpers/fake-board.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API, makeProbot, mockInstallationToken } from "./helpers/probot.js";
import { issuesPayload, restComment, restIssue, type IssueFields } from "./helpers/webhooks.js";

const shipped = shippedConfig();
const board = { ...shipped.policy.board!, number: 5 };
const config = {
  policy: { ...shipped.policy, board },
  registry: withTiers(shipped.registry, {
    fr: { tier: "full" },
    uk: { tier: "full" },
    be: { tier: "basic" },
  }),
};
const REPO = "/repos/openfoodfoundation/ofn-install";
/** The app's time in these tests: half an hour after the issues were opened. */
const NOW = Date.parse("2026-11-20T10:30:00Z");
const clock: Clock = { now: () => NOW, at: () => () => undefined };
const gh = installGitHubSchemaCheck();
const github = () => gh.watch(nock(API));

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  forgetKnownLabels();
  forgetBoards();
});
checkAfterEachTest(gh);

const FR_EMAIL: IssueFields = {
  number: 7,
  title: "French email errors",
  body: "Order confirmations from coopcircuits.fr are not sent.",
};
const UK_FIRE: IssueFields = { number: 8, title: "UK IS ON FIRE", body: "" };

/** GitHub's REST side of a triage: the comment list, labels, and the comment written. */
function rest(issue: IssueFields, existing?: string, state: "open" | "closed" = "open") {
  const written: string[] = [];
  const scope = github()
    .get(`${REPO}/issues/${issue.number}/comments`)
    .query(true)
    .reply(200, existing ? [restComment(99, existing)] : [])
    .persist(false);
  if (existing) {
    const labels = decodeState(existing)?.applied ?? [];
    scope
      .get(`${REPO}/issues/${issue.number}`)
      .reply(200, { ...restIssue({ ...issue, labels }), state });
  }
  github().get(`${REPO}/labels`).query(true).optionally().reply(200, []);
  // GitHub answers a created label with its GraphQL id: a first filing adds labels by it.
  github()
    .post(`${REPO}/labels`)
    .times(10)
    .optionally()
    .reply(201, (_u, b) => ({ ...(b as object), node_id: `LA_${(b as { name: string }).name}` }));
  github().post(`${REPO}/issues/${issue.number}/labels`).optionally().reply(200, []);
  github()
    .delete(/\/labels\/.+/)
    .times(5)
    .optionally()
    .reply(200, []);
  github()
    .post(
      `${REPO}/issues/${issue.number}/comments`,
      (b: { body: string }) => (written.push(b.body), true),
    )
    .optionally()
    .reply(201, restComment(99, "x"));
  github()
    .patch(`${REPO}/issues/comments/99`, (b: { body: string }) => (written.push(b.body), true))
    .optionally()
    .reply(200, restComment(99, "x"));
  return written;
}

async function deliver(
  fake: FakeBoard,
  action: "opened" | "edited" | "reopened" | "closed",
  issue: IssueFields,
  existing?: string,
  deliveryId = `d-${action}-${Math.random()}`,
) {
  // Each delivery gets its own mocks: optional ones left from an earlier delivery would
  // otherwise answer (and record) this one's requests.
  nock.cleanAll();
  const probot = makeProbot({ config, dryRun: false, clock });
  gh.watch(mockInstallationToken());
  fake.intercept(github());
  const state = action === "closed" ? "closed" : "open";
  const written = rest(issue, existing, state);
  const payload = issuesPayload(action === "closed" ? "edited" : action, issue);
  payload.action = action;
  payload.issue.state = state;
  await probot.receive({ id: deliveryId, name: "issues", payload } as never);
  return written.at(-1);
}

/** GitHub requests since the last reset, by API (the installation token is Probot's, not ours). */
function requestCounts() {
  const ours = gh.requests.filter((r) => !r.path.includes("/access_tokens"));
  const graphql = ours.filter((r) => r.path === "/graphql").length;
  return { rest: ours.length - graphql, graphql };
}

describe("what one accepted request costs in GitHub requests", () => {
  test("first in a repository, then another, then a re-delivery", async () => {
    const fake = new FakeBoard();
    // First: read comments and labels, create the 5 labels, comment; board: project, add
    // (which labels the issue and reads the card and the board back), fields.
    const comment = await deliver(fake, "opened", FR_EMAIL, undefined, "d-first");
    expect(requestCounts()).toEqual({ rest: 8, graphql: 3 });
    expect(fake.labels.get("I_issue7")).toHaveLength(5);
    // Labels (with their ids) and the project's ids are cached per installation.
    gh.reset();
    await deliver(fake, "opened", { ...FR_EMAIL, number: 9 });
    expect(requestCounts()).toEqual({ rest: 2, graphql: 2 });
    // GitHub re-delivers the first event: one read finds it already handled.
    gh.reset();
    await deliver(fake, "opened", FR_EMAIL, comment, "d-first");
    expect(requestCounts()).toEqual({ rest: 1, graphql: 0 });
  });
});

describe("filing accepted work on the board", () => {
  test("a first accepted request is added to Ready with its fields, in two writes", async () => {
    const fake = new FakeBoard();
    const comment = await deliver(fake, "opened", FR_EMAIL);
    expect(fake.card(7)?.values).toEqual({
      Status: "Ready",
      Severity: "S1",
      Size: "S",
      Tier: "full",
      Instance: "fr",
    });
    expect(fake.calls.map((c) => c.operation)).toEqual([
      "SysadminPipeProject",
      "SysadminPipeAddAndRead",
      "SysadminPipeFields",
    ]);
    // A full-tier S1 is promised a first response within a day.
    expect(decodeState(comment!)?.board).toEqual({
      column: "ready",
      values: { severity: "S1", size: "S", tier: "full", instance: "fr" },
      respondBy: "2026-11-21",
    });
  });

  test("a request someone already put on the board keeps that one card, in their column", async () => {
    const fake = new FakeBoard();
    fake.addCard(7, { Status: "Inbox" });
    await deliver(fake, "opened", FR_EMAIL);
    expect(fake.cards.filter((c) => c.issue === 7)).toHaveLength(1);
    expect(fake.card(7)?.values).toMatchObject({ Status: "Inbox", Severity: "S1", Instance: "fr" });
  });

  test('a board that spells its columns differently ("READY") is still filed to', async () => {
    const fake = new FakeBoard();
    fake.field("Status")!.options.find((o) => o.name === "Ready")!.name = "READY";
    await deliver(fake, "opened", FR_EMAIL);
    expect(fake.card(7)?.values.Status).toBe("READY");
  });

  test("an S0 goes to Emergency", async () => {
    const fake = new FakeBoard();
    await deliver(fake, "opened", UK_FIRE);
    expect(fake.card(8)?.values.Status).toBe("Emergency");
  });

  test("a needs-info request waits in Inbox", async () => {
    const fake = new FakeBoard();
    await deliver(fake, "opened", {
      number: 9,
      title: "Site returns 502 Bad Gateway",
      body: "Nobody can reach the shop",
    });
    expect(fake.card(9)?.values.Status).toBe("Inbox");
  });

  test("a rejected request is not filed", async () => {
    const fake = new FakeBoard();
    await deliver(fake, "opened", {
      number: 10,
      title: "Belgium DNS records are wrong",
      body: "SPF missing",
    });
    expect(fake.calls).toEqual([]);
  });

  test("an edit that changes nothing costs no board request at all", async () => {
    const fake = new FakeBoard();
    const first = await deliver(fake, "opened", FR_EMAIL);
    fake.calls.length = 0;
    await deliver(fake, "edited", FR_EMAIL, first);
    expect(fake.calls).toEqual([]);
  });

  test("inside Ready, cards are ordered by severity, then tier, then age", async () => {
    const fake = new FakeBoard();
    fake.addCard(1, { Status: "Ready", Severity: "S1", Tier: "full" }, "2026-01-01T00:00:00Z");
    fake.addCard(2, { Status: "Ready", Severity: "S1", Tier: "basic" }, "2025-01-01T00:00:00Z");
    fake.addCard(3, { Status: "Ready", Severity: "S3", Tier: "full" }, "2024-01-01T00:00:00Z");
    await deliver(fake, "opened", FR_EMAIL); // S1, full, created 2026-11-20
    expect(fake.cards.map((c) => c.issue)).toEqual([1, 7, 2, 3]);
  });

  test("on a board past a hundred cards, Ready is read to its end before a card is placed", async () => {
    const fake = new FakeBoard();
    for (let n = 1000; n < 1150; n++) fake.addCard(n, { Status: "Done", Severity: "S2" });
    fake.addCard(1, { Status: "Ready", Severity: "S1", Tier: "full" }, "2026-01-01T00:00:00Z");
    fake.addCard(2, { Status: "Ready", Severity: "S1", Tier: "basic" }, "2025-01-01T00:00:00Z");
    await deliver(fake, "opened", FR_EMAIL); // S1, full, created 2026-11-20
    const ready = fake.cards.filter((c) => c.values.Status === "Ready").map((c) => c.issue);
    expect(ready).toEqual([1, 7, 2]);
    expect(fake.calls.map((c) => c.operation)).toEqual([
      "SysadminPipeProject",
      "SysadminPipeAddAndRead",
      "SysadminPipeItems",
      "SysadminPipeFields",
    ]);
  });
});

describe("the board follows the issue, but never undoes a developer", () => {
  test("closing moves the card to Done; reopening brings it back to Ready", async () => {
    const fake = new FakeBoard();
    const opened = await deliver(fake, "opened", FR_EMAIL);
    const closed = await deliver(fake, "closed", FR_EMAIL, opened);
    expect(fake.card(7)?.values.Status).toBe("Done");
    await deliver(fake, "reopened", FR_EMAIL, closed);
    expect(fake.card(7)?.values.Status).toBe("Ready");
  });

  test("a card moved by hand to In progress stays there when the request changes", async () => {
    const fake = new FakeBoard();
    const opened = await deliver(fake, "opened", FR_EMAIL);
    fake.card(7)!.values.Status = "In progress";
    // A maintainer raises the severity with a label; the app updates Severity, not Status.
    const labels = [...(decodeState(opened!)?.applied ?? []).filter((l) => l !== "S1"), "S0"];
    const probotState = opened!;
    nock.cleanAll();
    const probot = makeProbot({ config, dryRun: false });
    gh.watch(mockInstallationToken());
    fake.intercept(github());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [restComment(99, probotState)])
      .get(`${REPO}/issues/7`)
      .reply(200, restIssue({ ...FR_EMAIL, labels }))
      .patch(`${REPO}/issues/comments/99`)
      .reply(200, restComment(99, "x"));
    await probot.receive({
      id: "d-hand",
      name: "issues",
      payload: issuesPayload("edited", { ...FR_EMAIL, labels }),
    } as never);
    expect(fake.card(7)?.values).toMatchObject({ Status: "In progress", Severity: "S0" });
  });

  test("a request that becomes rejected leaves the board, and the comment says so", async () => {
    const fake = new FakeBoard();
    const opened = await deliver(fake, "opened", FR_EMAIL);
    const moved = {
      ...FR_EMAIL,
      title: "Belgian email errors",
      body: "Order confirmations from openfoodnetwork.be are not sent.",
    };
    const comment = await deliver(fake, "edited", moved, opened);
    expect(fake.card(7)?.archived).toBe(true);
    expect(comment).toContain("its card was taken off the board (archived)");
  });
});

/** The bot comment with its recorded clock answered by a developer at `at`. */
function answered(comment: string, at: string): string {
  const state = decodeState(comment)!;
  const response = { ...state.response!, respondedAt: at, respondedBy: "dev" };
  return comment.replace(
    /<!-- sysadmin-pipe:state [\s\S]*-->/,
    encodeState({ ...state, response }),
  );
}

describe("the card's Respond by: the day the tier's promised first response is due", () => {
  test("an accepted full-tier S0's card shows Respond by, the day its hour runs out", async () => {
    const fake = new FakeBoard();
    const comment = await deliver(fake, "opened", UK_FIRE);
    expect(decodeState(comment!)?.response?.dueAt).toBe("2026-11-20T11:30:00.000Z");
    expect(fake.card(8)?.dates).toEqual({ "Respond by": "2026-11-20" });
    expect(decodeState(comment!)?.board?.respondBy).toBe("2026-11-20");
    // It rides in the card's one fields write.
    expect(fake.mutations()).toEqual(["SysadminPipeAddAndRead", "SysadminPipeFields"]);
  });

  test("once answered, the card's Respond by is emptied", async () => {
    const fake = new FakeBoard();
    const opened = await deliver(fake, "opened", UK_FIRE);
    fake.calls.length = 0;
    const comment = await deliver(
      fake,
      "edited",
      UK_FIRE,
      answered(opened!, "2026-11-20T10:40:00Z"),
    );
    expect(fake.card(8)?.dates).toEqual({});
    expect(fake.card(8)?.values.Status).toBe("Emergency");
    expect(fake.mutations()).toEqual(["SysadminPipeFields"]);
    expect(decodeState(comment!)?.board).not.toHaveProperty("respondBy");
  });

  test("a day a person typed into Respond by is theirs: the app empties only the one it set", async () => {
    const fake = new FakeBoard();
    const opened = await deliver(fake, "opened", UK_FIRE);
    fake.card(8)!.dates["Respond by"] = "2026-11-23";
    await deliver(fake, "edited", UK_FIRE, answered(opened!, "2026-11-20T10:40:00Z"));
    expect(fake.card(8)?.dates).toEqual({ "Respond by": "2026-11-23" });
  });

  test("a closed issue's card has no Respond by", async () => {
    const fake = new FakeBoard();
    const opened = await deliver(fake, "opened", UK_FIRE);
    await deliver(fake, "closed", UK_FIRE, opened);
    expect(fake.card(8)?.values.Status).toBe("Done");
    expect(fake.card(8)?.dates).toEqual({});
  });

  test("a board without a Respond by field gets the card without it", async () => {
    const fake = new FakeBoard();
    fake.fields = fake.fields.filter((f) => f.name !== "Respond by");
    const comment = await deliver(fake, "opened", UK_FIRE);
    expect(fake.card(8)?.values).toMatchObject({ Status: "Emergency", Severity: "S0" });
    expect(fake.card(8)?.dates).toEqual({});
    expect(comment).not.toContain("Could not");
  });
});

describe("board trouble is explained, and triage still happens", () => {
  test("stale option ids are looked up again and the write is retried", async () => {
    const fake = new FakeBoard();
    await deliver(fake, "opened", FR_EMAIL); // caches the ids
    fake.renewOptionIds();
    fake.calls.length = 0;
    await deliver(fake, "opened", { ...UK_FIRE, number: 11 });
    expect(fake.calls.map((c) => c.operation)).toEqual([
      "SysadminPipeAddAndRead",
      "SysadminPipeFields",
      "SysadminPipeProject",
      "SysadminPipeAddAndRead",
      "SysadminPipeFields",
    ]);
    expect(fake.card(11)?.values.Status).toBe("Emergency");
  });

  test("a missing project gives a note in the comment; labels and comment are still applied", async () => {
    const fake = new FakeBoard();
    fake.missing = true;
    const comment = await deliver(fake, "opened", FR_EMAIL);
    expect(comment).toContain(
      "Could not add this to the board: project 5 of openfoodfoundation does not exist",
    );
    expect(comment).toContain("Accepted into the sysadmin pipe");
  });
});

describe("board rules, as pure functions", () => {
  const cfg = board;
  test("compare before writing: a card already right needs nothing", () => {
    const writes = planBoardWrites(
      { onBoard: true, column: "ready", values: { severity: "S2" } },
      { id: "I", archived: false, values: { Status: "Ready", Severity: "S2" } },
      { column: "ready" },
      cfg,
    );
    expect(writes).toEqual({
      add: false,
      archive: false,
      unarchive: false,
      set: [],
      position: false,
      numbers: {},
    });
  });

  test("a job's estimate is written to its card, and emptied when the app no longer wants it (a released job)", () => {
    const card = { id: "I", archived: false, values: { Status: "In progress" }, hours: 1 };
    const wanted = { onBoard: true, column: "in_progress" as const, values: {}, hours: 1 };
    const estimated = planBoardWrites({ ...wanted, estimate: 6 }, card, undefined, cfg);
    expect(estimated.numbers).toEqual({ estimate: 6 });
    const released = planBoardWrites(wanted, { ...card, estimate: 6 }, { estimate: 6 }, cfg);
    expect(released.numbers).toEqual({ estimate: null });
    // A value a person typed into the field, which the app never set, or over it, is theirs.
    const typed = planBoardWrites(wanted, { ...card, estimate: 6 }, {}, cfg);
    expect(typed.numbers).toEqual({});
    const typedOver = planBoardWrites(wanted, { ...card, estimate: 8 }, { estimate: 6 }, cfg);
    expect(typedOver.numbers).toEqual({});
  });

  test('names on the board match whatever their case: GitHub\'s own "In Progress" is a hand move', () => {
    const byHand = planBoardWrites(
      { onBoard: true, column: "ready", values: { severity: "S2" } },
      { id: "I", archived: false, values: { status: "In Progress", SEVERITY: "s2" } },
      { column: "ready" },
      cfg,
    );
    expect(byHand.set).toEqual([]);
    const same = planBoardWrites(
      { onBoard: true, column: "ready", values: {} },
      { id: "I", archived: false, values: { Status: "READY" } },
      { column: "ready" },
      cfg,
    );
    expect(same.set).toEqual([]);
  });

  test("a new card in Ready goes after the last card that sorts before it", () => {
    const ready = [
      { id: "a", severity: "S1", tier: "full", createdAt: "2026-01-01" },
      { id: "b", severity: "S2", tier: "full", createdAt: "2026-01-01" },
    ];
    expect(
      placeInReady({ id: "n", severity: "S1", tier: "basic", createdAt: "2026-02-01" }, ready),
    ).toBe("a");
    expect(
      placeInReady({ id: "n", severity: "S0", tier: "none", createdAt: "2026-02-01" }, ready),
    ).toBeUndefined();
    expect(
      placeInReady({ id: "n", severity: "S3", tier: "full", createdAt: "2020-01-01" }, ready),
    ).toBe("b");
  });
});

describe("a board update that failed is recorded, and the sweep tries it again", () => {
  test("the recorded `failed` flag, not the comment's words, makes the issue stale", async () => {
    const { staleness } = await import("../src/features/sweep/sweep.js");
    const { decide } = await import("../src/triage/decide.js");
    const { readDigest } = await import("../src/triage/state.js");
    const { liveConfig } = await import("./helpers/app-on-loopback.js");
    const config = liveConfig();
    const issue = { title: "UK IS ON FIRE", body: "openfoodnetwork.org.uk answers 502" };
    const install = "openfoodfoundation/ofn-install";
    const plan = decide({ repo: install, ...issue, labels: [] }, config.registry, config.policy);
    const read = readDigest(issue, plan.labels, plan.labels);
    const previous = (failed: boolean) => ({
      v: 1 as const,
      applied: plan.labels,
      suppressed: [],
      overrides: {},
      outcome: plan.outcome,
      read,
      board: { failed },
    });
    const look = (failed: boolean) =>
      staleness(
        plan,
        plan.labels,
        { body: "any words" },
        previous(failed),
        { config, trusted: true },
        "open",
        read,
      );
    expect(look(true)).toBe("the last board update failed");
    expect(look(false)).toBeUndefined();
  });
});

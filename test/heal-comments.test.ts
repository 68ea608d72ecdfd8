// Healing what slipped through: with several replicas, an expired lock lease or GitHub's
// read-after-write lag can leave an issue with more than one bot comment. The oldest is kept with
// every comment's state merged into it, and the others are deleted. Driven through the real
// handler (Probot in process) against the schema-checked fake GitHub on loopback, plus the pure
// merge, example by example and property by property.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import fc from "fast-check";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { buildApp } from "../src/index.js";
import { commentsByIssue, applyHealing } from "../src/github/bot-comment.js";
import { pickBotComment, planHealing } from "../src/triage/app-comments.js";
import type { GitHub } from "../src/github/client-types.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import {
  COMMENT_MARKER,
  decodeState,
  encodeState,
  mergeStates,
  nextState,
  replaceState,
  type RecordedState,
} from "../src/triage/state.js";
import { CATEGORIES, OUTCOMES, SEVERITIES, SIZES } from "../src/registry/vocabulary.js";
import { shippedConfig } from "./helpers/config.js";
import { APP_LOGIN, APP_SLUG, FakeGitHub, type FakeComment } from "./helpers/fake-github.js";
import { testAppKey } from "./helpers/loopback.js";
import { issuesPayload, type IssueFields } from "./helpers/webhooks.js";

const REPO = "openfoodfoundation/ofn-install";
const [OWNER, NAME] = REPO.split("/") as [string, string];
const S0_TEAM = "openfoodfoundation/sysadmins";
const shipped = shippedConfig();
const config = {
  ...shipped,
  policy: { ...shipped.policy, alerts: { s0_team: S0_TEAM, escalation_team: null } },
};

const FR_EMAIL: IssueFields = {
  title: "French email errors",
  body: "Order confirmations from coopcircuits.fr are not sent.",
};
const FR_DOWN: IssueFields = {
  title: "coopcircuits.fr is down",
  body: "Production is down since 9:00, nobody can reach the shop at coopcircuits.fr.",
};

let fake: FakeGitHub;
let logLines: string[] = [];
/** A chat channel on loopback that records the alerts it is sent. */
let chat: Server;
let chatUrl = "";
let chatReceived: string[] = [];

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only; nothing here may leave the machine
  fake = new FakeGitHub();
  await fake.start();
  chat = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      chatReceived.push((JSON.parse(body) as { text: string }).text);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await fake.stop();
  await new Promise((resolve) => chat.close(resolve));
  nock.activate();
});

beforeEach(() => {
  fake.clearFaults();
  forgetKnownLabels();
  logLines = [];
  chatReceived = [];
});

afterEach(() => expect(fake.problems).toEqual([]));

/** The app as GitHub drives it, in process (each delivery's work inline), on the fake GitHub. */
async function theApp(): Promise<Probot> {
  const probot = new Probot({
    appId: 123,
    privateKey: testAppKey(),
    baseUrl: fake.url,
    // Retries would hide a refused request; throttling would space the writes a second apart.
    Octokit: ProbotOctokit.defaults((options: object) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
    log: pino({ level: "info" }, { write: (line: string) => void logLines.push(line) }),
  });
  const app = buildApp({
    config,
    dryRun: false,
    inline: true,
    chatUrl,
    chatOptions: { attempts: 1, timeoutMs: 500 },
  });
  // No HTTP server here: the app's extra routes have nowhere to go, and are not needed.
  await probot.load(app, { cwd: process.cwd(), addHandler: () => {} });
  return probot;
}

/** The bot comment a replica wrote for the issue, with what it recorded besides. */
function botComment(issue: IssueFields, delivery: string, extra: Partial<RecordedState> = {}) {
  const plan = decide(
    { repo: REPO, title: issue.title, body: issue.body ?? "", labels: [] },
    config.registry,
    config.policy,
  );
  const state = { ...nextState(plan, { labels: [] }, delivery), ...extra };
  return {
    body: renderComment(plan, state, config.registry, { s0Team: S0_TEAM }),
    labels: plan.labels,
  };
}

/** An issue on the fake GitHub, already triaged, with these comments (oldest first). */
function issueWith(
  number: number,
  issue: IssueFields,
  comments: Omit<FakeComment, "issue" | "reactions" | "user">[],
) {
  fake.addIssue(REPO, { number, ...issue, labels: botComment(issue, "-").labels });
  for (const c of comments) {
    const user = c.type === "Bot" ? APP_SLUG : "a-person";
    fake.repo(REPO).comments.push({ ...c, issue: number, user, reactions: [] });
  }
}

const commentsOn = (number: number) => fake.repo(REPO).comments.filter((c) => c.issue === number);
const stateOn = (number: number) => decodeState(fake.botComments(REPO, number)[0]?.body ?? "");

async function edited(number: number, issue: IssueFields, delivery: string) {
  await (
    await theApp()
  ).receive({
    id: delivery,
    name: "issues",
    payload: issuesPayload("edited", { number, ...issue }),
  } as never);
}

/** Plan the healing of an issue's bot comments and apply it (the executor's "heal" step). */
async function heal(
  github: Parameters<typeof applyHealing>[0],
  ref: Parameters<typeof applyHealing>[1],
  comments: Parameters<typeof planHealing>[0],
  appLogin: string,
  log: Parameters<typeof applyHealing>[3],
) {
  const healing = planHealing(comments, appLogin);
  if (healing) await applyHealing(github, ref, healing, log);
  return healing?.keep;
}

describe("an issue with more than one bot comment is healed by the next event", () => {
  test("two bot comments on one issue: the oldest stays with both states merged, the newer is deleted", async () => {
    const older = botComment(FR_EMAIL, "d-older", { seen: [501], time: { pipe: 30, jobs: 15 } });
    const newer = botComment(FR_EMAIL, "d-newer", { seen: [502], time: { pipe: 90, jobs: 0 } });
    issueWith(1, FR_EMAIL, [
      { id: 2001, body: older.body, type: "Bot" },
      { id: 2002, body: newer.body, type: "Bot" },
    ]);

    await edited(1, FR_EMAIL, "d-edit");

    expect(commentsOn(1).map((c) => c.id)).toEqual([2001]);
    expect(stateOn(1)).toMatchObject({
      outcome: "accepted",
      deliveries: expect.arrayContaining(["d-older", "d-newer", "d-edit"]),
      seen: [501, 502],
      // Both recorded the same log as it grew: the longer of each, never the sum.
      time: { pipe: 90, jobs: 15 },
    });
    expect(fake.stats.byRoute.get(`DELETE /repos/${REPO}/issues/comments/2002`)).toBe(1);
    expect(logLines.some((l) => l.includes("healed duplicate bot comments"))).toBe(true);
  });

  test("a delivery recorded only on the newer comment is still recognised as already applied", async () => {
    const older = botComment(FR_EMAIL, "d-older");
    const newer = botComment(FR_EMAIL, "d-newer");
    issueWith(2, FR_EMAIL, [
      { id: 2011, body: older.body, type: "Bot" },
      { id: 2012, body: newer.body, type: "Bot" },
    ]);

    await edited(2, FR_EMAIL, "d-newer");

    expect(commentsOn(2).map((c) => c.id)).toEqual([2011]);
    expect(stateOn(2)?.deliveries).toEqual(["d-older", "d-newer"]);
    expect(logLines.some((l) => l.includes("re-delivery already applied"))).toBe(true);
  });

  test.each([
    ["the older", 0],
    ["the newer", 1],
  ])("an S0 alert recorded on %s comment is not sent again", async (_which, alertedAt) => {
    const number = 10 + alertedAt;
    const recorded = (i: number) =>
      botComment(FR_DOWN, `d-${i}`, i === alertedAt ? { alerted: { s0: true } } : {}).body;
    issueWith(number, FR_DOWN, [
      { id: 3000 + number * 10, body: recorded(0), type: "Bot" },
      { id: 3001 + number * 10, body: recorded(1), type: "Bot" },
    ]);

    await edited(number, FR_DOWN, `d-edit-${number}`);

    expect(chatReceived).toEqual([]);
    expect(commentsOn(number).map((c) => c.id)).toEqual([3000 + number * 10]);
    expect(
      commentsOn(number).some((c) => c.body.includes("now an accepted **S0 emergency**")),
    ).toBe(false);
    expect(stateOn(number)?.alerted).toEqual({ s0: true });
  });

  test("with neither comment recording it, the S0 alert is sent once (so the tests above can fail)", async () => {
    issueWith(12, FR_DOWN, [
      { id: 3120, body: botComment(FR_DOWN, "d-0").body, type: "Bot" },
      { id: 3121, body: botComment(FR_DOWN, "d-1").body, type: "Bot" },
    ]);

    await edited(12, FR_DOWN, "d-edit-12");

    expect(chatReceived).toHaveLength(1);
    expect(stateOn(12)?.alerted).toEqual({ s0: true });
  });

  test("a person's comment quoting the marker is never deleted, nor a bot comment without it", async () => {
    const quote = `${COMMENT_MARKER}\n> the bot said this was accepted; is it really?`;
    const mention = `@${S0_TEAM}: this request is now an accepted **S0 emergency**.`;
    issueWith(20, FR_EMAIL, [
      { id: 4000, body: quote, type: "User" },
      { id: 4001, body: botComment(FR_EMAIL, "d-a").body, type: "Bot" },
      { id: 4002, body: mention, type: "Bot" },
      { id: 4003, body: botComment(FR_EMAIL, "d-b").body, type: "Bot" },
    ]);

    await edited(20, FR_EMAIL, "d-edit-20");

    expect(commentsOn(20).map((c) => [c.id, c.body])).toEqual([
      [4000, quote],
      [4001, expect.stringContaining("Accepted into the sysadmin pipe")],
      [4002, mention],
    ]);
  });
});

describe("healing with comments already in hand (the sweep)", () => {
  const client = () =>
    new Octokit({ baseUrl: fake.url, auth: "ghs_test", log: quiet }) as unknown as GitHub;
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const ref = (issue_number: number) => ({ owner: OWNER, repo: NAME, issue_number });

  test("two replicas healing the same issue at once end with one comment and the same state", async () => {
    issueWith(30, FR_EMAIL, [
      { id: 5001, body: botComment(FR_EMAIL, "d-a", { seen: [1] }).body, type: "Bot" },
      { id: 5002, body: botComment(FR_EMAIL, "d-b", { seen: [2] }).body, type: "Bot" },
      { id: 5003, body: botComment(FR_EMAIL, "d-c", { seen: [3] }).body, type: "Bot" },
    ]);
    const github = client();
    const comments = (await commentsByIssue(github, OWNER, NAME)).get(30) ?? [];

    const [a, b] = await Promise.all([
      heal(github, ref(30), comments, APP_LOGIN, quiet),
      heal(github, ref(30), comments, APP_LOGIN, quiet),
    ]);

    expect(a).toEqual(b);
    expect(commentsOn(30).map((c) => c.id)).toEqual([5001]);
    expect(stateOn(30)?.seen).toEqual([1, 2, 3]);
  });

  test("a delete that fails loses nothing: the oldest already holds every state, the next run finishes", async () => {
    issueWith(31, FR_EMAIL, [
      { id: 5011, body: botComment(FR_EMAIL, "d-a", { seen: [1] }).body, type: "Bot" },
      { id: 5012, body: botComment(FR_EMAIL, "d-b", { seen: [2] }).body, type: "Bot" },
    ]);
    const github = client();
    fake.inject({ kind: "500", match: /^DELETE .*\/issues\/comments\/5012$/, times: 1 });
    const listed = async () => (await commentsByIssue(github, OWNER, NAME)).get(31) ?? [];

    await expect(heal(github, ref(31), await listed(), APP_LOGIN, quiet)).rejects.toThrow();
    expect(decodeState(commentsOn(31)[0]!.body)?.seen).toEqual([1, 2]);

    const kept = await heal(github, ref(31), await listed(), APP_LOGIN, quiet);
    expect(kept?.id).toBe(5011);
    expect(commentsOn(31).map((c) => c.id)).toEqual([5011]);
    expect(stateOn(31)?.seen).toEqual([1, 2]);
  });

  test("one bot comment is left alone: no request at all", async () => {
    issueWith(32, FR_EMAIL, [{ id: 5021, body: botComment(FR_EMAIL, "d-a").body, type: "Bot" }]);
    const before = fake.stats.requests;
    const comments = fake.repo(REPO).comments.filter((c) => c.issue === 32);
    const asListed = comments.map((c) => ({
      id: c.id,
      body: c.body,
      user: { login: `${APP_SLUG}[bot]`, type: c.type },
    }));

    const kept = await heal(client(), ref(32), asListed, APP_LOGIN, quiet);

    expect(kept).toEqual({ id: 5021, body: comments[0]!.body });
    expect(fake.stats.requests).toBe(before);
  });
});

describe("which comment is the bot's, and what healing it takes (pure)", () => {
  const bot = (id: number, body: string) => ({ id, body, user: { login: APP_LOGIN, type: "Bot" } });
  const person = (id: number, body: string) => ({ id, body, user: { type: "User" } });
  const state = (extra: Partial<RecordedState>): RecordedState => ({
    v: 1,
    applied: [],
    suppressed: [],
    overrides: {},
    ...extra,
  });
  const body = (text: string, s: RecordedState) =>
    `${COMMENT_MARKER}\n${text}\n${encodeState(s)}\n`;

  test("the oldest bot comment is the bot's, whatever order the comments come in", () => {
    const comments = [
      bot(9, body("new", state({}))),
      person(1, COMMENT_MARKER),
      bot(5, body("old", state({}))),
    ];
    expect(pickBotComment(comments, APP_LOGIN)?.id).toBe(5);
  });

  test("the kept comment gets the newest's text and the merged state; the others are removed", () => {
    const healing = planHealing(
      [
        bot(5, body("needs info", state({ outcome: "needs-info", seen: [1] }))),
        bot(9, body("accepted", state({ outcome: "accepted", seen: [2] }))),
      ],
      APP_LOGIN,
    );
    expect(healing).toMatchObject({ keep: { id: 5 }, rewrite: true, remove: [9] });
    expect(healing!.keep.body).toContain("accepted");
    expect(decodeState(healing!.keep.body)).toMatchObject({ outcome: "accepted", seen: [1, 2] });
  });

  test("comments whose state cannot be read add nothing, and are still removed", () => {
    const kept = body("old", state({ seen: [1] }));
    const healing = planHealing([bot(5, kept), bot(9, `${COMMENT_MARKER}\nbroken`)], APP_LOGIN);
    expect(healing).toEqual({ keep: { id: 5, body: kept }, rewrite: false, remove: [9] });
  });

  test("replacing the state keeps the visible text, and adds a state to a body without one", () => {
    const original = body("hello", state({ seen: [1] }));
    const replaced = replaceState(original, state({ seen: [1, 2] }));
    expect(decodeState(replaced)?.seen).toEqual([1, 2]);
    expect(replaced.startsWith(`${COMMENT_MARKER}\nhello\n`)).toBe(true);
    expect(replaced.endsWith(" -->\n")).toBe(true);
    expect(decodeState(replaceState(`${COMMENT_MARKER}\nhi`, state({ seen: [3] })))?.seen).toEqual([
      3,
    ]);
  });
});

describe("merging the states of several bot comments (oldest first)", () => {
  const state = (extra: Partial<RecordedState>): RecordedState => ({
    v: 1,
    applied: [],
    suppressed: [],
    overrides: {},
    ...extra,
  });

  test("labels the app applied and labels people removed are all remembered", () => {
    const merged = mergeStates([
      state({ applied: ["S1", "size:S"], suppressed: ["category:email"] }),
      state({ applied: ["S1", "instance:fr"], suppressed: ["size:M"] }),
    ]);
    expect(new Set(merged.applied)).toEqual(new Set(["S1", "size:S", "instance:fr"]));
    expect(new Set(merged.suppressed)).toEqual(new Set(["category:email", "size:M"]));
  });

  test("an alert sent by either was sent", () => {
    const merged = mergeStates([
      state({ alerted: { s0: true } }),
      state({ alerted: { s0: false, jobs: true } }),
    ]);
    expect(merged.alerted).toEqual({ s0: true, jobs: true });
  });

  test("what people said: the newest wins field by field, and nothing only the older said is lost", () => {
    const merged = mergeStates([
      state({
        overrides: { size: "M", category: "dns" },
        commanded: {
          overrides: { severity: "S2", size: "L" },
          decision: { outcome: "rejected", by: "alice", reason: "not covered" },
        },
      }),
      state({
        overrides: { size: "S" },
        commanded: {
          overrides: { severity: "S1" },
          decision: { outcome: "accepted", by: "bob" },
          jobBoard: { by: "carol" },
        },
      }),
    ]);
    expect(merged.overrides).toEqual({ size: "S", category: "dns" });
    expect(merged.commanded).toEqual({
      overrides: { severity: "S1", size: "L" },
      // A decision is one person's act: taken whole, never mixed with another's reason.
      decision: { outcome: "accepted", by: "bob" },
      jobBoard: { by: "carol" },
    });
  });

  test("logged time is the longer record of each, never a sum", () => {
    const merged = mergeStates([
      state({ time: { pipe: 120, jobs: 0 } }),
      state({ time: { pipe: 60, jobs: 30 } }),
      state({}),
    ]);
    expect(merged.time).toEqual({ pipe: 120, jobs: 30 });
  });

  test("the outcome and the board card are the newest's; an older card record only when the newest has none", () => {
    const older = state({ outcome: "accepted", board: { column: "ready" } });
    expect(
      mergeStates([older, state({ outcome: "rejected", board: { column: "jobs_board" } })]),
    ).toMatchObject({ outcome: "rejected", board: { column: "jobs_board" } });
    expect(mergeStates([older, state({ outcome: "not-pipe" })])).toMatchObject({
      outcome: "not-pipe",
      board: { column: "ready" },
    });
  });

  test("deliveries and handled comments keep their caps, the newest comment's entries staying", () => {
    const merged = mergeStates([
      state({
        deliveries: ["a", "b", "c", "d", "e"],
        seen: Array.from({ length: 20 }, (_, i) => i),
      }),
      state({ deliveries: ["a", "f"], seen: [0, 100] }),
    ]);
    expect(merged.deliveries).toEqual(["c", "d", "e", "a", "f"]);
    expect(merged.seen).toHaveLength(20);
    expect(merged.seen!.slice(-2)).toEqual([0, 100]);
  });

  test("no state at all is a mistake", () => {
    expect(() => mergeStates([])).toThrow(RangeError);
  });
});

describe("merging, for any recorded states", () => {
  const RUNS = { numRuns: 300, seed: 20260214 };
  const label = fc.constantFrom("sysadmin-pipe", "S0", "S1", "size:S", "instance:fr", "job-board");
  const login = fc.constantFrom("alice", "bob", "carol");
  const overrides = fc.record(
    {
      instances: fc.uniqueArray(fc.constantFrom("fr", "be", "uk"), { maxLength: 3 }),
      category: fc.constantFrom(...CATEGORIES),
      severity: fc.constantFrom(...SEVERITIES),
      size: fc.constantFrom(...SIZES),
    },
    { requiredKeys: [] },
  );
  const anyState: fc.Arbitrary<RecordedState> = fc.record(
    {
      v: fc.constant(1 as const),
      applied: fc.uniqueArray(label, { maxLength: 6 }),
      suppressed: fc.uniqueArray(label, { maxLength: 6 }),
      overrides,
      outcome: fc.constantFrom(...OUTCOMES),
      deliveries: fc.uniqueArray(
        fc.integer({ min: 1, max: 12 }).map((n) => `d-${n}`),
        {
          maxLength: 5,
        },
      ),
      board: fc.record(
        {
          column: fc.constantFrom("inbox", "ready", "jobs_board", "done"),
          archived: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      commanded: fc.record(
        {
          overrides,
          decision: fc.record({ outcome: fc.constantFrom("accepted", "rejected"), by: login }),
          jobBoard: fc.record({ by: login }),
        },
        { requiredKeys: ["overrides"] },
      ),
      time: fc.record({ pipe: fc.nat(10_000), jobs: fc.nat(10_000) }),
      seen: fc.uniqueArray(fc.nat(40), { maxLength: 20 }),
      alerted: fc.record({ s0: fc.boolean(), jobs: fc.boolean() }, { requiredKeys: [] }),
    },
    { requiredKeys: ["v", "applied", "suppressed", "overrides"] },
  );
  const severalStates = fc.array(anyState, { minLength: 1, maxLength: 4 });

  test("the merged state is one a bot comment can carry", () => {
    fc.assert(
      fc.property(severalStates, (states) => {
        const merged = mergeStates(states);
        expect(decodeState(encodeState(merged))).toEqual(merged);
      }),
      RUNS,
    );
  });

  test("a single state is kept as it is, and merging a state with itself changes nothing", () => {
    fc.assert(
      fc.property(anyState, (s) => {
        expect(mergeStates([s])).toEqual(s);
        expect(mergeStates([s, s])).toEqual(s);
      }),
      RUNS,
    );
  });

  test("nothing any comment recorded is lost: labels, alerts, time, the newest's entries", () => {
    fc.assert(
      fc.property(severalStates, (states) => {
        const merged = mergeStates(states);
        const newest = states.at(-1)!;
        for (const s of states) {
          expect(merged.applied).toEqual(expect.arrayContaining(s.applied));
          expect(merged.suppressed).toEqual(expect.arrayContaining(s.suppressed));
          if (s.alerted?.s0) expect(merged.alerted?.s0).toBe(true);
          if (s.alerted?.jobs) expect(merged.alerted?.jobs).toBe(true);
          if (s.time) expect(merged.time!.pipe).toBeGreaterThanOrEqual(s.time.pipe);
          if (s.time) expect(merged.time!.jobs).toBeGreaterThanOrEqual(s.time.jobs);
          for (const key of Object.keys(s.commanded?.overrides ?? {}))
            expect(merged.commanded?.overrides).toHaveProperty(key);
          if (s.commanded?.decision) expect(merged.commanded?.decision).toBeDefined();
          if (s.board) expect(merged.board).toBeDefined();
        }
        expect(merged.deliveries ?? []).toEqual(expect.arrayContaining(newest.deliveries ?? []));
        expect(merged.seen ?? []).toEqual(expect.arrayContaining(newest.seen ?? []));
      }),
      RUNS,
    );
  });

  test("the newest wins where comments disagree; time is never summed", () => {
    fc.assert(
      fc.property(severalStates, (states) => {
        const merged = mergeStates(states);
        const newest = states.at(-1)!;
        if (newest.outcome) expect(merged.outcome).toBe(newest.outcome);
        if (newest.board) expect(merged.board).toEqual(newest.board);
        expect(merged.commanded?.overrides ?? {}).toMatchObject(newest.commanded?.overrides ?? {});
        if (newest.commanded?.decision)
          expect(merged.commanded?.decision).toEqual(newest.commanded.decision);
        expect(merged.overrides).toMatchObject(newest.overrides);
        const times = states.flatMap((s) => (s.time ? [s.time] : []));
        if (times.length)
          expect(merged.time).toEqual({
            pipe: Math.max(...times.map((t) => t.pipe)),
            jobs: Math.max(...times.map((t) => t.jobs)),
          });
      }),
      RUNS,
    );
  });
});

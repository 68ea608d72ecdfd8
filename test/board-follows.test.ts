// The board tells the truth: a card's fields (Severity, Size, Tier, Instance, Hours) and its place
// in Ready follow every change of the issue — the bot's own decision, a person's label, a command,
// events arriving at once — driven end to end as GitHub drives the app.
import { jest } from "@jest/globals";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { placeInReady, type ReadyCard } from "../src/triage/card.js";
import { liveConfig, startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { APP_LOGIN } from "./helpers/fake-github.js";
import type { Card } from "./helpers/fake-board.js";
import { commentPayload, issuesPayload, type IssueFields } from "./helpers/webhooks.js";
import { sweepHere } from "./helpers/executor.js";

jest.setTimeout(120_000);

const REPO = "openfoodfoundation/ofn-install";
let app: LoopbackApp;
let nextComment = 50_000;
/** Board requests per case, for the README and the closing note. */
const costs: Record<string, number> = {};

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  app = await startLoopbackApp();
  app.fake.repo(REPO).permissions.set("maintainer", "write");
});
afterAll(async () => {
  await app.stop();
  nock.activate();
  console.info(`board requests per case: ${JSON.stringify(costs)}`);
});
beforeEach(() => {
  app.fake.clearFaults();
  forgetBoards();
  forgetKnownLabels();
});
afterEach(() => expect(app.fake.problems).toEqual([]));

const board = () => app.fake.board;
const card = (n: number) => board().card(n);
const readyOrder = () =>
  board()
    .cards.filter((c) => c.values.Status === "Ready")
    .map((c) => c.issue);

/** File an issue in the fake GitHub and deliver `opened`. */
async function open(fields: IssueFields & { number: number }): Promise<void> {
  app.fake.addIssue(REPO, { body: "", ...fields, labels: fields.labels ?? [] });
  expect(
    await app.deliver("issues", issuesPayload("opened", fields), `open-${fields.number}`),
  ).toBe(200);
}

/** A person changes the issue's labels on GitHub, then the issue is edited. */
async function relabel(n: number, remove: string[], add: string[]): Promise<void> {
  const issue = app.fake.repo(REPO).issues.get(n)!;
  issue.labels = [...issue.labels.filter((l) => !remove.includes(l)), ...add];
  const payload = issuesPayload("edited", {
    number: n,
    title: issue.title,
    body: issue.body,
    labels: issue.labels,
  });
  expect(await app.deliver("issues", payload, `edit-${n}-${add.join()}`)).toBe(200);
}

/** A comment on the issue, as GitHub delivers it. */
function comment(n: number, body: string, login = "maintainer") {
  const id = nextComment++;
  app.fake
    .repo(REPO)
    .comments.push({ id, issue: n, body, user: login, type: "User", reactions: [] });
  const issue = app.fake.repo(REPO).issues.get(n)!;
  return commentPayload(
    { number: n, title: issue.title, body: issue.body, labels: issue.labels },
    { id, body, login },
  );
}

/** Board requests made while `work` runs. */
async function boardCost(name: string, work: () => Promise<unknown>): Promise<void> {
  const before = board().calls.length;
  await work();
  costs[name] = board().calls.length - before;
}

const UK_UPGRADE = { title: "Upgrade Postgres on the UK server", body: "Planned, no rush." }; // S3
const FR_EMAIL = { title: "French email errors", body: "Emails from coopcircuits.fr bounce." }; // S1

describe("a card's fields follow the issue", () => {
  test("/severity S1 on an S3 request in Ready: the card says S1 and moves up in Ready", async () => {
    board().addCard(900, { Status: "Ready", Severity: "S2", Tier: "full" }, "2020-01-01T00:00:00Z");
    await open({ number: 101, ...UK_UPGRADE });
    expect(card(101)?.values).toMatchObject({ Status: "Ready", Severity: "S3" });
    expect(readyOrder().indexOf(101)).toBeGreaterThan(readyOrder().indexOf(900));
    await boardCost("/severity in Ready", () =>
      app.deliver("issue_comment", comment(101, "/severity S1"), "cmd-101"),
    );
    expect(card(101)?.values).toMatchObject({ Status: "Ready", Severity: "S1" });
    expect(readyOrder().indexOf(101)).toBeLessThan(readyOrder().indexOf(900));
  });

  test("/size L: the label and the card's Size", async () => {
    await open({ number: 102, ...UK_UPGRADE });
    await boardCost("/size", () =>
      app.deliver("issue_comment", comment(102, "/size L"), "cmd-102"),
    );
    expect(app.fake.repo(REPO).issues.get(102)!.labels).toContain("size:L");
    expect(card(102)?.values.Size).toBe("L");
  });

  test("a person replaces the bot's S2 label with S1 and edits the issue: the card says S1", async () => {
    await open({ number: 103, title: "Backups of the UK database stopped", body: "Since Monday." });
    expect(card(103)?.values.Severity).toBe("S2");
    await boardCost("a person's label", () => relabel(103, ["S2"], ["S1"]));
    expect(card(103)?.values.Severity).toBe("S1");
  });

  test("a card a developer moved to In progress stays there, and its Severity follows the label", async () => {
    await open({ number: 104, ...UK_UPGRADE });
    card(104)!.values.Status = "In progress";
    await relabel(104, ["S3"], ["S1"]);
    expect(card(104)?.values).toMatchObject({ Status: "In progress", Severity: "S1" });
  });

  test("five events for one issue at once end in one comment, one card, and the card's Size = the label", async () => {
    const n = 105;
    const issue = app.fake.addIssue(REPO, { number: n, ...FR_EMAIL });
    const opened = issuesPayload("opened", { number: n, ...FR_EMAIL });
    // A person labels it size:M at once.
    issue.labels = ["size:M"];
    const labeled = { ...issuesPayload("edited", { number: n, ...FR_EMAIL, labels: ["size:M"] }) };
    labeled.action = "labeled";
    const edited = issuesPayload("edited", { number: n, ...FR_EMAIL, labels: ["size:M"] });
    const statuses = await Promise.all([
      app.deliver("issues", opened, `five-${n}-1`),
      app.deliver("issues", edited, `five-${n}-2`),
      app.deliver("issues", labeled, `five-${n}-3`),
      app.deliver(
        "issue_comment",
        comment(n, "Thanks, this is urgent for us", "instance-manager"),
        `five-${n}-4`,
      ),
      app.deliver("issue_comment", comment(n, "/help", "instance-manager"), `five-${n}-5`),
    ]);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(
      app.fake.botComments(REPO, n).filter((c) => c.body.includes("sysadmin-pipe:state")),
    ).toHaveLength(1);
    expect(board().cards.filter((c) => c.issue === n)).toHaveLength(1);
    expect(card(n)?.values.Size).toBe("M");
  });

  test("an edit that changes nothing makes no board request", async () => {
    await open({ number: 106, ...FR_EMAIL });
    const issue = app.fake.repo(REPO).issues.get(106)!;
    await boardCost("an unchanged edit", () =>
      app.deliver(
        "issues",
        issuesPayload("edited", { number: 106, ...FR_EMAIL, labels: issue.labels }),
        "same-106",
      ),
    );
    expect(costs["an unchanged edit"]).toBe(0);
  });

  test("the reconcile sweep repairs a card whose fields differ from the issue's labels", async () => {
    await open({ number: 107, ...UK_UPGRADE });
    // A person's S1 label whose delivery never arrived.
    const issue = app.fake.repo(REPO).issues.get(107)!;
    issue.labels = [...issue.labels.filter((l) => l !== "S3"), "S1"];
    issue.updated_at = new Date(Date.now() - 10 * 60_000).toISOString();
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${app.fake.url}/api/v3` });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const report = await sweepHere(
      github as never,
      { config: liveConfig(), trusted: true },
      { quietMs: 60_000, repos: [REPO], log: quiet, appLogin: APP_LOGIN },
    );
    expect(report.stale).toContainEqual({
      issue: `${REPO}#107`,
      why: "the board card's fields differ from the issue",
    });
    expect(card(107)?.values.Severity).toBe("S1");
  });
});

/** Ready in the order the app keeps: severity, then tier, then age. */
function inOrder(cards: Card[]): boolean {
  const ready: ReadyCard[] = [];
  for (const c of cards) {
    const wanted: ReadyCard = {
      id: c.id,
      severity: c.values.Severity,
      tier: c.values.Tier,
      createdAt: c.createdAt,
    };
    // Each card must sit right after the card placeInReady would put it after, among those above.
    if (placeInReady(wanted, ready) !== ready.at(-1)?.id) return false;
    ready.push(wanted);
  }
  return true;
}

describe("Ready's order under a burst", () => {
  const REQUESTS = [
    ["UK email errors", "Emails from openfoodnetwork.org.uk bounce."], // S1 full
    ["Upgrade Postgres on the UK server", "Planned."], // S3 full
    ["Backups of the French database stopped", "Since Monday."], // S2 full
    ["Please deploy the latest release to Belgium", "When you can."], // S3 basic
    ["Provision a new staging server for Germany", "For testing."], // S3 basic
  ] as const;

  test("20 accepted requests at once leave Ready ordered by severity, tier and age, in 20 runs out of 20", async () => {
    let ordered = 0;
    for (let run = 0; run < 20; run++) {
      board().cards.splice(0);
      const base = 2000 + run * 100;
      const deliveries = Array.from({ length: 20 }, (_, i) => {
        const [title, body] = REQUESTS[i % REQUESTS.length]!;
        const n = base + i;
        // Ages in a shuffled order, so arrival order and age order differ.
        const created_at = new Date(Date.UTC(2026, 0, 1 + ((i * 7) % 20))).toISOString();
        app.fake.addIssue(REPO, { number: n, title, body, created_at });
        return app.send(
          "issues",
          issuesPayload("opened", { number: n, title, body }),
          `burst-${n}`,
        );
      });
      expect(new Set(await Promise.all(deliveries))).toEqual(new Set([200]));
      await app.settled();
      const ready = board().cards.filter((c) => c.values.Status === "Ready");
      expect(ready).toHaveLength(20);
      if (inOrder(ready)) ordered++;
    }
    expect(ordered).toBe(20);
  });
});

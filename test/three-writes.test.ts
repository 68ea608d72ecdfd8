// A new accepted request costs three writes GitHub spaces apart. Probot's throttling spaces
// every non-GET REST request and every GraphQL request (queries too) a second apart, comments
// three: so the labels ride in the board's add-card mutation, then the card's fields and place,
// then the comment that records what happened. Run against the real app and a fake GitHub that
// refuses what GitHub would refuse.
import { jest } from "@jest/globals";
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import type { FakeGitHub } from "./helpers/fake-github.js";
import { issuesPayload } from "./helpers/webhooks.js";

jest.setTimeout(60_000);

const REPO = "openfoodfoundation/ofn-install";
const API_REPO = `/repos/${REPO}`;
const FR_EMAIL = {
  title: "French email errors",
  body: "Order confirmations from coopcircuits.fr are not sent.",
};

let app: LoopbackApp;
let fake: FakeGitHub;

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  app = await startLoopbackApp();
  fake = app.fake;
});

afterAll(async () => {
  await app.stop();
  nock.activate();
});

beforeEach(() => {
  fake.clearFaults();
  forgetBoards();
  forgetKnownLabels();
});

afterEach(() => expect(fake.problems).toEqual([]));

/** The requests GitHub spaces out: all but REST reads (the installation token is Probot's). */
const spaced = (requests: string[]) =>
  requests.filter((r) => !r.startsWith("GET ") && !r.includes("/access_tokens"));

/** Open an issue and deliver the event; the spaced requests it cost, in order. */
async function open(number: number, issue = FR_EMAIL): Promise<string[]> {
  fake.addIssue(REPO, { number, ...issue });
  const from = fake.log.length;
  const payload = issuesPayload("opened", { number, ...issue });
  expect(await app.deliver("issues", payload, `three-writes-${number}`)).toBe(200);
  return spaced(fake.log.slice(from));
}

const labelsOf = (n: number) => fake.repo(REPO).issues.get(n)?.labels ?? [];
const commentOf = (n: number) => fake.botComments(REPO, n)[0]?.body ?? "";

describe("a new accepted request on the board", () => {
  test("costs three spaced writes: card with labels, its fields and place, the comment", async () => {
    // The first issue in a repository may first create the app's labels (and look up the
    // board's ids); both are cached, so the next issue pays only its own three writes.
    const first = await open(101);
    const setUp = first.slice(0, -3);
    expect(
      setUp.every(
        (r) => r === `POST ${API_REPO}/labels` || r === "POST /graphql SysadminPipeProject",
      ),
    ).toBe(true);
    expect(first.slice(-3)).toEqual([
      "POST /graphql SysadminPipeAddAndRead",
      "POST /graphql SysadminPipeFields",
      `POST ${API_REPO}/issues/101/comments`,
    ]);

    const next = await open(102);
    expect(next).toEqual([
      "POST /graphql SysadminPipeAddAndRead",
      "POST /graphql SysadminPipeFields",
      `POST ${API_REPO}/issues/102/comments`,
    ]);
    expect(labelsOf(102)).toEqual(expect.arrayContaining(["instance:fr", "S1"]));
    expect(labelsOf(102)).toEqual(labelsOf(101));
    expect(fake.board.card(102)?.values.Status).toBe("Ready");
    expect(commentOf(102)).toContain("Accepted into the sysadmin pipe");
    expect(commentOf(102)).not.toContain("Could not add this to the board");
  });

  test("when the combined request fails, labels are added by REST and the comment says why", async () => {
    await open(103); // label ids cached
    fake.inject({
      kind: "forbidden",
      match: /^POST \/graphql$/,
      operation: /^SysadminPipeAddAndRead$/,
      times: 1,
    });
    const writes = await open(104);
    expect(writes).toEqual([
      "POST /graphql SysadminPipeAddAndRead",
      `POST ${API_REPO}/issues/104/labels`,
      `POST ${API_REPO}/issues/104/comments`,
    ]);
    expect(labelsOf(104)).toEqual(labelsOf(103));
    expect(fake.board.card(104)).toBeUndefined();
    expect(commentOf(104)).toContain(
      "Could not add this to the board: the app has no access to openfoodfoundation's projects",
    );
  });

  test("a label deleted since its id was cached: the card stands, the labels go by REST", async () => {
    await open(105); // label ids cached
    const repo = fake.repo(REPO);
    repo.labels.delete("S1"); // someone deletes a label: its cached id now resolves to nothing
    for (const issue of repo.issues.values()) issue.labels = issue.labels.filter((l) => l !== "S1");
    const writes = await open(106);
    expect(writes).toEqual([
      "POST /graphql SysadminPipeAddAndRead",
      "POST /graphql SysadminPipeFields",
      `POST ${API_REPO}/labels`, // S1 made again, with its colour
      `POST ${API_REPO}/issues/106/labels`,
      `POST ${API_REPO}/issues/106/comments`,
    ]);
    expect(labelsOf(106)).toEqual(expect.arrayContaining(["instance:fr", "S1"]));
    expect(fake.board.card(106)?.values.Status).toBe("Ready");
    expect(commentOf(106)).not.toContain("Could not add this to the board");
  });
});

describe("an issue that does not go on the board", () => {
  test("gets its labels by REST, as before, then the comment", async () => {
    await open(107); // label ids cached: they are not what decides the way labels go
    const writes = await open(108, {
      title: "Update the website of coopcircuits.fr",
      body: "Please change the text on the home page of the website.",
    });
    expect(writes.filter((r) => r.includes("/graphql"))).toEqual([]);
    expect(writes.slice(-2)).toEqual([
      `POST ${API_REPO}/issues/108/labels`,
      `POST ${API_REPO}/issues/108/comments`,
    ]);
    expect(labelsOf(108).length).toBeGreaterThan(0);
    expect(fake.board.card(108)).toBeUndefined();
  });
});

// The app's GitHub client: dry run is built in, so no path can write while it is on.
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { gitHubClient, isWrite } from "../src/github/client.js";

const API = "https://api.github.com";
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe("what counts as a write", () => {
  test.each([
    ["GET", "/repos/o/r/issues", undefined, false],
    ["POST", "/repos/o/r/issues/1/labels", {}, true],
    ["PATCH", "/repos/o/r/issues/comments/9", {}, true],
    ["DELETE", "/repos/o/r/issues/1/labels/S1", undefined, true],
    ["POST", "/graphql", { query: "query Board { viewer { login } }" }, false],
    ["POST", "/app/installations/{installation_id}/access_tokens", {}, false],
    ["POST", "/graphql", { query: "mutation SysadminPipeFields($x: ID!) { a: b }" }, true],
    ["POST", "https://ghe.example/api/graphql", { query: "# comment\nmutation X { a }" }, true],
  ])("%s %s", (method, url, body, write) => {
    expect(isWrite(method as string, url as string, body)).toBe(write);
  });
});

describe("a dry-run client", () => {
  const log = { info: jestLog(), warn: jestLog(), error: jestLog() };
  function jestLog() {
    const lines: string[] = [];
    return Object.assign(
      (obj: object, msg?: string) => void lines.push(`${msg} ${JSON.stringify(obj)}`),
      { lines },
    );
  }

  test("reads from GitHub and sends no write, REST or GraphQL", async () => {
    nock(API).get("/repos/o/r/issues/1").reply(200, { number: 1, title: "t" });
    const github = gitHubClient(new Octokit(), { log, dryRun: true });
    expect(
      (await github.rest.issues.get({ owner: "o", repo: "r", issue_number: 1 })).data,
    ).toMatchObject({ number: 1 });
    // No mock answers these: were they sent, nock would refuse them.
    await github.rest.issues.addLabels({ owner: "o", repo: "r", issue_number: 1, labels: ["S1"] });
    await github.rest.checks.create({ owner: "o", repo: "r", name: "x", head_sha: "abc" });
    await github.graphql(
      "mutation SysadminPipeArchive($p: ID!, $i: ID!) { archiveProjectV2Item(input: {projectId: $p, itemId: $i}) { item { id } } }",
      { p: "P", i: "I" },
    );
    expect(nock.pendingMocks()).toEqual([]);
    expect(log.info.lines.filter((l) => l.startsWith("dry run"))).toHaveLength(3);
  });

  test("without dry run, writes are sent", async () => {
    const sent = nock(API).post("/repos/o/r/issues/1/labels").reply(200, []);
    const github = gitHubClient(new Octokit(), { log, dryRun: false });
    await github.rest.issues.addLabels({ owner: "o", repo: "r", issue_number: 1, labels: ["S1"] });
    expect(sent.isDone()).toBe(true);
  });
});

// The app's GitHub client (what counts as a write, for the lease check) and the executor, the
// one place dry run is decided.
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { gitHubClient, isWrite } from "../src/github/client.js";
import { Executor, type WritePlan } from "../src/github/executor.js";

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

describe("the executor: the one place that knows about dry run", () => {
  const log = { info: jestLog(), warn: jestLog(), error: jestLog() };
  function jestLog() {
    const lines: string[] = [];
    return Object.assign(
      (obj: object, msg?: string) => void lines.push(`${msg} ${JSON.stringify(obj)}`),
      { lines },
    );
  }
  const ref = { owner: "o", repo: "r", issue_number: 1 };
  const executor = (dryRun: boolean) =>
    new Executor(gitHubClient(new Octokit(), { log }), ref, {
      dryRun,
      log,
      labelStyle: () => ({ color: "ededed", description: "" }),
    });
  const plan: WritePlan = [
    {
      kind: "issue",
      writes: {
        addLabels: ["S1"],
        removeLabels: ["S2"],
        comment: { action: "update", body: "hello", id: 9 },
      },
      labeled: ["S1"],
    },
    { kind: "note", body: "a reply" },
    { kind: "reaction", comment: 9, content: "+1" },
    { kind: "assign", login: "dev" },
    { kind: "close", reason: "completed" },
  ];

  test("in a dry run a plan is logged step by step and nothing is sent, REST or GraphQL", async () => {
    // No mock answers anything: were a request sent, nock would refuse it.
    const act = executor(true);
    await act.apply(plan);
    await act.checkRun({ owner: "o", repo: "r" }, "abc", {
      name: "Tier registry",
      conclusion: "success",
      title: "t",
      summary: "s",
      annotations: [],
    });
    expect(await act.closeRegistryPull({ repo: "o/r", number: 5 })).toBe("closed");
    expect(nock.pendingMocks()).toEqual([]);
    expect(log.info.lines.filter((l) => l.startsWith("dry run"))).toHaveLength(plan.length + 2);
  });

  test("without dry run, the plan's writes are sent in its order", async () => {
    const order: string[] = [];
    const scope = nock(API)
      .delete("/repos/o/r/issues/1/labels/S2")
      .reply(200, () => (order.push("remove S2"), []))
      .patch("/repos/o/r/issues/comments/9")
      .reply(200, () => (order.push("update comment"), {}))
      .post("/repos/o/r/issues/1/comments")
      .reply(201, () => (order.push("note"), {}))
      .post("/repos/o/r/issues/comments/9/reactions")
      .reply(201, () => (order.push("reaction"), {}))
      .post("/repos/o/r/issues/1/assignees")
      .reply(201, () => (order.push("assign"), { assignees: [{ login: "dev" }] }))
      .patch("/repos/o/r/issues/1")
      .reply(200, () => (order.push("close"), {}));
    await executor(false).apply(plan);
    expect(scope.isDone()).toBe(true);
    // S1 came with the card (labeled): not added again.
    expect(order).toEqual(["remove S2", "update comment", "note", "reaction", "assign", "close"]);
  });
});

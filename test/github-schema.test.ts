// The schema check must catch what GitHub would reject, or every mocked test could lie.
import nock from "nock";
import { Octokit } from "@octokit/rest";
import {
  installGitHubSchemaCheck,
  validateGraphqlRequest,
  validateRestRequest,
} from "./helpers/github-schema.js";

describe("REST requests are checked against GitHub's OpenAPI description", () => {
  test.each([
    ["POST", "/repos/o/r/issues/1/labels", { labels: ["S1"] }],
    ["DELETE", "/repos/o/r/issues/1/labels/instance%3Auk", undefined],
    ["GET", "/repos/o/r/issues/1/comments?per_page=100", undefined],
    ["PATCH", "/repos/o/r/issues/comments/5", { body: "hello" }],
    ["POST", "/repos/o/r/labels", { name: "size:S", color: "bfd4f2", description: "Size S" }],
  ])("%s %s is valid", (method, url, body) => {
    expect(validateRestRequest(method, url, body)).toEqual([]);
  });

  test.each([
    ["GET", "/repos/o/r/isues/1", undefined, /no such endpoint/],
    ["PATCH", "/repos/o/r/issues/comments/5", { body: 5 }, /body\/body must be string/],
    [
      "GET",
      "/repos/o/r/issues/1/comments?perpage=100",
      undefined,
      /unknown query parameter `perpage`/,
    ],
    ["POST", "/repos/o/r/labels", { color: "fff" }, /must have required property 'name'/],
    ["POST", "/repos/o/r/issues/1/comments", undefined, /request body is required/],
  ])("%s %s is refused", (method, url, body, problem) => {
    expect(validateRestRequest(method, url, body).join("\n")).toMatch(problem);
  });
});

describe("GraphQL documents are checked against GitHub's schema", () => {
  const query =
    "query($login: String!, $number: Int!) { organization(login: $login) { projectV2(number: $number) { id } } }";

  test("a valid query passes", () => {
    expect(validateGraphqlRequest(query, { login: "openfoodfoundation", number: 3 })).toEqual([]);
  });
  test("a misspelled field fails", () => {
    expect(
      validateGraphqlRequest(query.replace("projectV2(", "projectv2("), {
        login: "o",
        number: 1,
      }).join(),
    ).toMatch(/Cannot query field "projectv2"/);
  });
  test("a variable of the wrong type fails", () => {
    expect(validateGraphqlRequest(query, { login: "o", number: "three" }).join()).toMatch(
      /Int cannot represent/,
    );
  });
});

describe("mocked requests made through Octokit are recorded and checked", () => {
  const check = installGitHubSchemaCheck();
  afterEach(() => nock.cleanAll());

  test("a valid and an invalid request", async () => {
    const octokit = new Octokit({ auth: "t" });
    check
      .watch(nock("https://api.github.com"))
      .post("/repos/o/r/issues/1/labels")
      .reply(200, [])
      .post("/repos/o/r/issues/1/lables")
      .reply(200, []);
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: "o",
      repo: "r",
      issue_number: 1,
      labels: ["S1"],
    });
    await octokit.request("POST /repos/o/r/issues/1/lables", { labels: ["S1"] });
    expect(check.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /repos/o/r/issues/1/labels",
      "POST /repos/o/r/issues/1/lables",
    ]);
    expect(check.problems()).toEqual([
      "POST /repos/o/r/issues/1/lables: no such endpoint in GitHub's REST API",
    ]);
  });
});

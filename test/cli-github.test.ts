// The scheduled commands against a (mocked, schema-checked) GitHub that fails: the person reading
// the job's log learns which request failed and why, and a mistaken --repo is refused up front.
import nock from "nock";
import { runCli } from "./helpers/cli.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API } from "./helpers/probot.js";

const gh = installGitHubSchemaCheck();
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
checkAfterEachTest(gh, { noPendingMocks: true });

const ISSUES = "/repos/openfoodfoundation/ofn-install/issues";

const run = (args: string[]) =>
  runCli(args, {
    env: { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: API, APP_SLUG: "sysadmin-pipe" },
  });

describe("GitHub fails during a scheduled command", () => {
  test("reconcile: a 502 listing the issues exits 1 naming the request", async () => {
    gh.watch(nock(API))
      .get(ISSUES)
      .query({ state: "open", per_page: 100 })
      .reply(502, { message: "Server Error" });

    const result = await run(["reconcile", "--repo", "openfoodfoundation/ofn-install"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`sysadmin-pipe reconcile: GET ${ISSUES} failed: 502 Server Error\n`);
  });

  test("report: a 502 reading the pipe exits 1 naming the request, not the usage", async () => {
    gh.watch(nock(API))
      .get(ISSUES)
      .query((q) => q.labels === "sysadmin-pipe")
      .reply(502, { message: "Server Error" });

    const result = await run(["report", "--period", "2026-Q4"]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`sysadmin-pipe report: GET ${ISSUES} failed: 502 Server Error\n`);
    expect(result.stderr).not.toContain("Usage");
  });

  test("report --json: the failure is a JSON line", async () => {
    gh.watch(nock(API))
      .get(ISSUES)
      .query((q) => q.labels === "sysadmin-pipe")
      .reply(502, { message: "Server Error" });

    const result = await run(["report", "--period", "2026-Q4", "--json"]);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toEqual({
      ok: false,
      error: `GET ${ISSUES} failed: 502 Server Error`,
    });
  });

  test("a dropped connection says why the request failed", async () => {
    gh.watch(nock(API))
      .get(ISSUES)
      .query(true)
      .replyWithError({ code: "ECONNRESET", message: "socket hang up" });

    const result = await run(["reconcile", "--repo", "openfoodfoundation/ofn-install"]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`sysadmin-pipe reconcile: GET ${ISSUES} failed: socket hang up\n`);
  });
});

describe("reconcile without APP_SLUG", () => {
  test("is refused before any request: a token cannot tell which App's comments are the app's", async () => {
    const result = await runCli(["reconcile"], {
      env: { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: API },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Set APP_SLUG to the App's slug");
  });
});

describe("reconcile --repo", () => {
  test.each([
    ["foo", "--repo `foo` is not a repository: write it OWNER/NAME"],
    [
      "someone/unwatched",
      "--repo `someone/unwatched` is not a watched repository; the watched ones are: openfoodfoundation/ofn-install",
    ],
  ])("%s is refused before anything is read", async (repo, problem) => {
    const result = await run(["reconcile", "--repo", repo]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `sysadmin-pipe reconcile: ${problem}\nRun \`sysadmin-pipe reconcile --help\` for usage.\n`,
    );
    expect(gh.requests).toEqual([]);
  });

  test("a watched repository is swept", async () => {
    gh.watch(nock(API))
      .get(ISSUES)
      .query({ state: "open", per_page: 100 })
      .reply(200, [])
      .get(`${ISSUES}/comments`)
      .query({ per_page: 100 })
      .reply(200, []);

    const result = await run([
      "reconcile",
      "--repo",
      "openfoodfoundation/ofn-install",
      "--dry-run",
      "--json",
    ]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ repos: 1, scanned: 0, failed: [] });
  });
});

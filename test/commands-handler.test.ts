// Slash commands on GitHub: real issue_comment payloads in, the exact GitHub requests out.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
import { nextState } from "../src/triage/state.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { forgetPermissions } from "../src/github/repo-access.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import { decodeState } from "../src/triage/state.js";
import type { RecordedState } from "../src/triage/types.js";
import { shippedConfig, withTiers } from "./helpers/config.js";
import { FakeBoard } from "./helpers/fake-board.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API, loggedLines, makeProbot, mockInstallationToken } from "./helpers/probot.js";
import {
  commentPayload,
  issuesPayload,
  restComment,
  restIssue,
  type IssueFields,
} from "./helpers/webhooks.js";

const shipped = shippedConfig();
const registry = withTiers(shipped.registry, {
  fr: { tier: "full", managers: ["fr-manager"] },
  be: { tier: "basic", managers: ["be-manager"] },
});
const config = {
  registry,
  policy: {
    ...shipped.policy,
    board: { ...shipped.policy.board!, number: 5 },
    alerts: { s0_team: "openfoodfoundation/sysadmins", escalation_team: null },
  },
};
const REPO = "/repos/openfoodfoundation/ofn-install";
const gh = installGitHubSchemaCheck();
const github = () => gh.watch(nock(API));

/** A chat channel on loopback that records what it is sent (or fails, when told to). */
let chat: Server;
let chatUrl = "";
let chatReceived: string[] = [];
let chatStatus = 200;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)/);
  chat = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      chatReceived.push((JSON.parse(body) as { text: string }).text);
      res.writeHead(chatStatus).end();
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  nock.enableNetConnect();
  await new Promise((resolve) => chat.close(resolve));
});
beforeEach(() => {
  forgetKnownLabels();
  forgetBoards();
  forgetPermissions();
  chatReceived = [];
  chatStatus = 200;
});
checkAfterEachTest(gh);

const FR_EMAIL: IssueFields = {
  number: 7,
  title: "French email errors",
  body: "Order confirmations from coopcircuits.fr are not sent.",
  author: "reporter",
};
const BE_DNS: IssueFields = {
  number: 8,
  title: "Belgian DNS records",
  body: "Please update the DNS records for openfoodnetwork.be",
  author: "be-manager",
};

/** The bot comment and labels as the app left them after triaging the issue. */
function triaged(
  issue: IssueFields,
  board?: RecordedState["board"],
  extra: Partial<RecordedState> = {},
) {
  const plan = decide(
    {
      repo: "openfoodfoundation/ofn-install",
      title: issue.title,
      body: issue.body ?? "",
      labels: [],
    },
    registry,
    config.policy,
  );
  const state = { ...nextState(plan, { labels: [] }, { deliveryId: "d-open", board }), ...extra };
  return { body: renderComment(plan, state, registry), labels: plan.labels, plan };
}

/** GitHub as the handler will find it, answering every write it may make. */
function mockGitHub(
  issue: IssueFields,
  existing: { body: string; labels: string[] } | undefined,
  permission: "write" | "read" | "admin" = "read",
) {
  gh.watch(mockInstallationToken());
  const n = issue.number;
  const scope = github()
    .get(`${REPO}/issues/${n}/comments`)
    .query(true)
    .reply(200, existing ? [restComment(99, existing.body)] : []);
  if (existing)
    scope.get(`${REPO}/issues/${n}`).reply(200, restIssue({ ...issue, labels: existing.labels }));
  github()
    .get(/\/collaborators\/[^/]+\/permission$/)
    .optionally()
    .reply(200, (uri) => ({
      permission,
      role_name: permission,
      user: { login: uri.split("/").at(-2) },
    }));
  github().get(`${REPO}/labels`).query(true).optionally().reply(200, []);
  github()
    .post((uri) => uri.startsWith("/repos/"))
    .times(20)
    .optionally()
    .reply((uri, body) => {
      if (uri.endsWith("/reactions"))
        return [201, { id: 1, content: (body as { content: string }).content }];
      if (uri.endsWith("/comments"))
        return [201, restComment(100, (body as { body: string }).body)];
      return [uri.endsWith(`/issues/${n}/labels`) ? 200 : 201, uri.endsWith("/labels") ? [] : body];
    });
  github()
    .delete(/\/labels\/.+/)
    .times(5)
    .optionally()
    .reply(200, []);
  github()
    .patch(`${REPO}/issues/comments/99`)
    .optionally()
    .reply(200, (_u, body) => restComment(99, (body as { body: string }).body));
}

/** The REST requests made, as "METHOD path" (board GraphQL and the token exchange apart). */
function restRequests(): string[] {
  return gh.requests
    .filter((r) => r.path !== "/graphql" && !r.path.includes("/access_tokens"))
    .map((r) => `${r.method} ${r.path.split("?")[0]!.replace(REPO, "")}`);
}

const bodyOf = (method: string, end: string) =>
  gh.requests.find((r) => r.method === method && r.path.split("?")[0]!.endsWith(end))?.body as
    Record<string, unknown> | undefined;

async function comment(
  issue: IssueFields,
  text: string,
  login: string,
  id = 555,
  delivery = `c-${id}`,
) {
  const probot = makeProbot({
    config,
    dryRun: false,
    chatUrl,
    chatOptions: { attempts: 2, timeoutMs: 500, backoffMs: 10 },
  });
  await probot.receive({
    id: delivery,
    name: "issue_comment",
    payload: commentPayload(issue, { id, body: text, login }),
  } as never);
}

describe("a maintainer's command", () => {
  test("/severity S0 replaces the label, files the card in Emergency, mentions the team and tells the chat", async () => {
    const fake = new FakeBoard();
    fake.addCard(7, { Status: "Ready", Severity: "S1", Size: "S", Tier: "full", Instance: "fr" });
    const before = triaged(FR_EMAIL, { column: "ready" });
    mockGitHub(FR_EMAIL, before, "write");
    fake.intercept(github());

    await comment(FR_EMAIL, "Production mail is completely down.\n/severity S0", "sysadmin-dev");

    expect(restRequests()).toEqual([
      "GET /issues/7/comments",
      "GET /issues/7",
      "GET /collaborators/sysadmin-dev/permission",
      // The answer and the alert first: the comment then records both as done.
      "POST /issues/comments/555/reactions",
      "POST /issues/7/comments",
      "GET /labels",
      "POST /labels",
      "POST /issues/7/labels",
      "DELETE /issues/7/labels/S1",
      "PATCH /issues/comments/99",
    ]);
    expect(bodyOf("POST", "/issues/7/labels")).toEqual({ labels: ["S0"] });
    expect(bodyOf("POST", "/issues/7/comments")?.body).toContain(
      "@openfoodfoundation/sysadmins: this request is now an accepted **S0 emergency**",
    );
    expect(bodyOf("POST", "/reactions")).toEqual({ content: "+1" });
    expect(fake.card(7)?.values).toMatchObject({ Status: "Emergency", Severity: "S0" });
    const state = decodeState(String(bodyOf("PATCH", "/comments/99")?.body));
    expect(state?.commanded?.overrides).toEqual({ severity: "S0" });
    expect(state?.alerted).toEqual({ s0: true });
    expect(state?.seen).toEqual([555]);
    expect(chatReceived).toEqual([
      expect.stringMatching(
        /^:rotating_light: S0 emergency for France: <https:\/\/github.com\/.+\|French email errors>$/,
      ),
    ]);
  });

  test("/spent logs time: the card's Hours and the comment's total follow", async () => {
    const fake = new FakeBoard();
    fake.addCard(7, { Status: "Ready", Severity: "S1", Size: "S", Tier: "full", Instance: "fr" });
    const before = triaged(FR_EMAIL, { column: "ready" }, { time: { pipe: 30, jobs: 0 } });
    mockGitHub(FR_EMAIL, before, "write");
    fake.intercept(github());

    await comment(FR_EMAIL, "/spent 1h15m", "sysadmin-dev");

    expect(fake.card(7)?.numbers.Hours).toBe(1.75);
    const body = String(bodyOf("PATCH", "/comments/99")?.body);
    expect(body).toContain("**Time logged:** 1h45m of sysadmin-pipe time.");
    expect(decodeState(body)?.board).toMatchObject({ column: "ready", hours: 1.75 });
    expect(restRequests()).not.toContain("POST /issues/7/labels");
  });
});

describe("an instance manager's command", () => {
  test("/job-board on a rejected request: labelled, moved to Jobs board, chat told, no permission look-up", async () => {
    const fake = new FakeBoard();
    const before = triaged(BE_DNS);
    expect(before.plan.outcome).toBe("rejected");
    mockGitHub(BE_DNS, before);
    fake.intercept(github());

    await comment(BE_DNS, "/job-board", "be-manager");

    expect(restRequests()).not.toContainEqual(expect.stringContaining("/permission"));
    expect(bodyOf("POST", "/issues/8/labels")).toEqual({ labels: ["job-board"] });
    expect(fake.card(8)?.values.Status).toBe("Jobs board");
    const body = String(bodyOf("PATCH", "/comments/99")?.body);
    expect(body).toContain("### 💼 On the jobs board");
    expect(body).toContain("invoice Belgium directly");
    expect(chatReceived).toEqual([
      expect.stringContaining(":briefcase: New on the jobs board (paid work, invoiced to Belgium)"),
    ]);
  });
});

describe("the issue's author", () => {
  test("answers a needs-info with /instance: the request is judged and leaves the Inbox", async () => {
    const vague: IssueFields = {
      number: 12,
      title: "Emails are not being sent",
      body: "Since yesterday no order confirmation emails go out.",
      author: "reporter",
    };
    const before = triaged(vague, { column: "inbox" });
    expect(before.plan.outcome).toBe("needs-info");
    const fake = new FakeBoard();
    fake.addCard(12, { Status: "Inbox", Severity: "S1" });
    mockGitHub(vague, before);
    fake.intercept(github());

    await comment(vague, "/instance fr", "reporter");

    expect(restRequests()).not.toContainEqual(expect.stringContaining("/permission"));
    expect(bodyOf("POST", "/issues/12/labels")).toEqual({
      labels: expect.arrayContaining(["instance:fr"]),
    });
    expect(decodeState(String(bodyOf("PATCH", "/comments/99")?.body))?.outcome).toBe("accepted");
    expect(fake.card(12)?.values).toMatchObject({ Status: "Ready", Instance: "fr" });
    expect(bodyOf("POST", "/reactions")).toEqual({ content: "+1" });
  });
});

describe("a member of the configured maintainer team", () => {
  test("may run maintainer commands without write access to the repository", async () => {
    const teamConfig = {
      ...config,
      policy: {
        ...config.policy,
        board: undefined,
        commands: { ...config.policy.commands, maintainer_team: "openfoodfoundation/core-devs" },
      },
    };
    mockGitHub(BE_DNS, triaged(BE_DNS), "read");
    github()
      .get("/orgs/openfoodfoundation/teams/core-devs/memberships/core-dev")
      .reply(200, { state: "active", role: "member", url: "x" });
    const probot = makeProbot({ config: teamConfig, dryRun: false });

    await probot.receive({
      id: "c-team",
      name: "issue_comment",
      payload: commentPayload(BE_DNS, { id: 556, body: "/accept", login: "core-dev" }),
    } as never);

    const state = decodeState(String(bodyOf("PATCH", "/comments/99")?.body));
    expect(state?.outcome).toBe("accepted");
    expect(state?.commanded?.decision).toEqual({ outcome: "accepted", by: "core-dev" });
  });
});

describe("refused, ignored and repeated commands", () => {
  test("a command that changes nothing writes no label and no card", async () => {
    const fake = new FakeBoard();
    const card = { Status: "Ready", Severity: "S1", Size: "S", Tier: "full", Instance: "fr" };
    fake.addCard(7, card);
    // Its full tier's promise for an S1, answered already (a command comment is a response too).
    const response = {
      severity: "S1" as const,
      tier: "full" as const,
      startedAt: "2026-11-20T10:00:00.000Z",
      dueAt: "2026-11-21T10:00:00.000Z",
      respondedAt: "2026-11-20T11:00:00.000Z",
      respondedBy: "maintainer",
      escalated: [],
    };
    const board = { column: "ready" as const };
    mockGitHub(FR_EMAIL, triaged(FR_EMAIL, board, { response }), "write");
    fake.intercept(github());

    await comment(FR_EMAIL, "/severity S1", "sysadmin-dev");

    expect(restRequests().filter((r) => /labels/.test(r))).toEqual([]);
    expect(fake.mutations()).toEqual([]);
    expect(bodyOf("POST", "/reactions")).toEqual({ content: "+1" });
  });

  test("a stranger's /accept is refused: labels stay, 😕 and a reply naming who can", async () => {
    const before = triaged(BE_DNS);
    mockGitHub(BE_DNS, before, "read");
    new FakeBoard().intercept(github());

    await comment(BE_DNS, "/accept", "passer-by");

    const requests = restRequests();
    expect(requests).toContain("GET /collaborators/passer-by/permission");
    expect(requests.filter((r) => /labels/.test(r) && !r.startsWith("GET"))).toEqual([]);
    expect(bodyOf("POST", "/reactions")).toEqual({ content: "confused" });
    expect(bodyOf("POST", "/issues/8/comments")?.body).toContain(
      "`/accept`: not done, only maintainers (write access to this repository) can use `/accept`.",
    );
    const state = decodeState(String(bodyOf("PATCH", "/comments/99")?.body));
    expect(state?.commanded).toBeUndefined();
    expect(state?.outcome).toBe("rejected");
  });

  test("a bot's comment is never read as a command: no request at all", async () => {
    const probot = makeProbot({ config, dryRun: false });
    const payload = commentPayload(FR_EMAIL, {
      id: 9,
      body: "/severity S0",
      login: "dependabot[bot]",
      type: "Bot",
    });
    await probot.receive({ id: "c-bot", name: "issue_comment", payload } as never);
    // nock would have thrown on any request: none was made.
    expect(gh.requests).toEqual([]);
  });

  test("a comment without commands costs nothing", async () => {
    await comment(
      FR_EMAIL,
      "Any news? The path is /var/www and `/severity S0` is quoted.",
      "reporter",
    );
    expect(gh.requests).toEqual([]);
  });

  test("a re-delivered command comment is not run twice", async () => {
    const before = triaged(FR_EMAIL, undefined, { seen: [555], time: { pipe: 60, jobs: 0 } });
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [restComment(99, before.body)]);

    await comment(FR_EMAIL, "/spent 1h", "sysadmin-dev", 555, "c-again");

    expect(restRequests()).toEqual(["GET /issues/7/comments"]);
  });

  test("an override set by command survives a later issues.edited", async () => {
    const before = triaged(FR_EMAIL, undefined, { commanded: { overrides: { severity: "S3" } } });
    const labels = before.labels.map((l) => (l === "S1" ? "S3" : l));
    const applied = decodeState(before.body)!.applied.map((l) => (l === "S1" ? "S3" : l));
    const body = before.body.replace(
      /"applied":\[[^\]]*\]/,
      `"applied":${JSON.stringify(applied)}`,
    );
    mockGitHub(FR_EMAIL, { body, labels });
    const probot = makeProbot({
      config: { ...config, policy: { ...config.policy, board: undefined } },
      dryRun: false,
    });

    await probot.receive({
      id: "e-1",
      name: "issues",
      payload: issuesPayload("edited", {
        ...FR_EMAIL,
        body: `${FR_EMAIL.body} It is urgent!`,
        labels,
      }),
    } as never);

    expect(restRequests().filter((r) => /labels/.test(r) && !r.startsWith("GET"))).toEqual([]);
    expect(String(bodyOf("PATCH", "/comments/99")?.body)).toContain("| Severity | S3:");
  });

  test("an unreachable chat channel costs a log line, never the triage", async () => {
    chatStatus = 503;
    const fake = new FakeBoard();
    const before = triaged(FR_EMAIL, { column: "ready" });
    mockGitHub(FR_EMAIL, before, "write");
    fake.intercept(github());

    await comment(FR_EMAIL, "/severity S0", "sysadmin-dev");

    expect(chatReceived).toHaveLength(2); // two attempts, as configured
    expect(loggedLines().some((l) => l.includes("chat channel unreachable (HTTP 503)"))).toBe(true);
    expect(bodyOf("POST", "/reactions")).toEqual({ content: "+1" });
    expect(fake.card(7)?.values.Status).toBe("Emergency");
  });
});

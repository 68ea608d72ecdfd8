// The app on GitHub: real webhook payloads in, the exact GitHub requests out.
import nock from "nock";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { decodeState } from "../src/triage/state.js";
import { shippedConfig, withTiers } from "./helpers/config.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API, makeProbot, mockInstallationToken } from "./helpers/probot.js";
import { issuesPayload, restComment, restIssue } from "./helpers/webhooks.js";

const shipped = shippedConfig();
const config = {
  policy: shipped.policy,
  registry: withTiers(shipped.registry, { fr: { tier: "full" }, be: { tier: "basic" } }),
};
const REPO = "/repos/openfoodfoundation/ofn-install";
const gh = installGitHubSchemaCheck();
const github = () => gh.watch(nock(API));

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => forgetKnownLabels());
checkAfterEachTest(gh, { noPendingMocks: true });

const FR_EMAIL = {
  title: "French email errors",
  body: "Order confirmations from coopcircuits.fr are not sent since Monday.",
};

function receive(probot: ReturnType<typeof makeProbot>, id: string, payload: object) {
  return probot.receive({ id, name: "issues", payload } as never);
}

describe("a new issue is triaged into labels and one comment", () => {
  test("an accepted full-tier email request gets its labels (created first) and one comment", async () => {
    const probot = makeProbot({ config, dryRun: false });
    let labelsAdded: unknown;
    let comment = "";
    const created: string[] = [];
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query({ per_page: 100 })
      .reply(200, [])
      .get(`${REPO}/labels`)
      .query({ per_page: 100 })
      .reply(200, [
        {
          id: 1,
          node_id: "LA_1",
          url: `${API}${REPO}/labels/S1`,
          name: "S1",
          color: "d93f0b",
          default: false,
          description: null,
        },
      ])
      .post(`${REPO}/labels`, (body: { name: string }) => (created.push(body.name), true))
      .times(4)
      .reply(201, (_uri, body) => body)
      .post(`${REPO}/issues/7/labels`, (body) => ((labelsAdded = body), true))
      .reply(200, [])
      .post(`${REPO}/issues/7/comments`, (body: { body: string }) => ((comment = body.body), true))
      .reply(201, restComment(99, "x"));

    await receive(probot, "delivery-1", issuesPayload("opened", FR_EMAIL));

    expect(created).toEqual(["sysadmin-pipe", "instance:fr", "size:S", "category:email"]);
    expect(labelsAdded).toEqual({
      labels: ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"],
    });
    expect(comment).toContain("Accepted into the sysadmin pipe");
    expect(comment).toContain("France is on the full tier, which covers email");
    expect(decodeState(comment)).toMatchObject({
      applied: ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"],
      outcome: "accepted",
      deliveries: ["delivery-1"],
    });
  });

  test("re-delivering the same event changes nothing and posts no second comment", async () => {
    const probot = makeProbot({ config, dryRun: false });
    const labels = ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"];
    const state = `<!-- sysadmin-pipe:state {"v":1,"applied":${JSON.stringify(labels)},"suppressed":[],"overrides":{},"outcome":"accepted","deliveries":["delivery-1"]} -->`;
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query({ per_page: 100 })
      .reply(200, [restComment(99, `<!-- sysadmin-pipe -->\nhello\n${state}`)]);

    await receive(probot, "delivery-1", issuesPayload("opened", FR_EMAIL));
    // nock would fail on any other request: none was made.
  });

  test("an edit that changes nothing reads the issue and writes nothing", async () => {
    const probot = makeProbot({ config, dryRun: false });
    // First run, to get the exact comment the app writes.
    let comment = "";
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [])
      .get(`${REPO}/labels`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/labels`)
      .times(5)
      .reply(201, (_u, b) => b)
      .post(`${REPO}/issues/7/labels`)
      .reply(200, [])
      .post(`${REPO}/issues/7/comments`, (b: { body: string }) => ((comment = b.body), true))
      .reply(201, restComment(99, "x"));
    await receive(probot, "d-open", issuesPayload("opened", FR_EMAIL));

    const labels = decodeState(comment)!.applied;
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [restComment(99, comment)])
      .get(`${REPO}/issues/7`)
      .reply(200, restIssue({ ...FR_EMAIL, labels }));
    await receive(probot, "d-edit", issuesPayload("edited", { ...FR_EMAIL, labels }));
  });

  test("a person's severity label is kept on a later edit; only the app's own label is swapped", async () => {
    const probot = makeProbot({ config, dryRun: false });
    const applied = ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"];
    const state = `<!-- sysadmin-pipe:state {"v":1,"applied":${JSON.stringify(applied)},"suppressed":[],"overrides":{},"outcome":"accepted"} -->`;
    // A maintainer replaced S1 with S2 and added their own "bug" label.
    const now = ["sysadmin-pipe", "instance:fr", "S2", "size:S", "category:email", "bug"];
    let updated = "";
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [restComment(99, `<!-- sysadmin-pipe -->\nold\n${state}`)])
      .get(`${REPO}/issues/7`)
      .reply(200, restIssue({ ...FR_EMAIL, labels: now }))
      .patch(`${REPO}/issues/comments/99`, (b: { body: string }) => ((updated = b.body), true))
      .reply(200, restComment(99, "x"));

    await receive(probot, "d-edit-2", issuesPayload("edited", { ...FR_EMAIL, labels: now }));
    expect(updated).toContain("| Severity | S2: ");
    expect(decodeState(updated)).toMatchObject({ overrides: { severity: "S2" } });
    expect(decodeState(updated)?.applied).not.toContain("S2");
  });

  test("when the decision changes, the app removes only its own outdated labels", async () => {
    const probot = makeProbot({ config, dryRun: false });
    const applied = ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"];
    const state = `<!-- sysadmin-pipe:state {"v":1,"applied":${JSON.stringify(applied)},"suppressed":[],"overrides":{},"outcome":"accepted"} -->`;
    const edited = {
      title: "French DNS records are wrong",
      body: "The SPF record of coopcircuits.fr is missing.",
    };
    const removed: string[] = [];
    let added: unknown;
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [restComment(99, `<!-- sysadmin-pipe -->\nold\n${state}`)])
      .get(`${REPO}/issues/7`)
      .reply(200, restIssue({ ...edited, labels: [...applied, "help wanted"] }))
      .get(`${REPO}/labels`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/labels`)
      .times(2)
      .reply(201, (_u, b) => b)
      .post(`${REPO}/issues/7/labels`, (b) => ((added = b), true))
      .reply(200, [])
      .delete(/\/repos\/openfoodfoundation\/ofn-install\/issues\/7\/labels\/.+/)
      .times(2)
      .reply(function (uri) {
        removed.push(decodeURIComponent(uri.split("/").pop()!));
        return [200, []];
      })
      .patch(`${REPO}/issues/comments/99`)
      .reply(200, restComment(99, "x"));

    await receive(probot, "d-edit-3", issuesPayload("edited", edited));
    expect(added).toEqual({ labels: ["S2", "category:dns"] });
    expect(removed.sort()).toEqual(["S1", "category:email"]);
  });
});

describe("what the app leaves alone", () => {
  test("issues in repositories the app doesn't watch get no request at all", async () => {
    const probot = makeProbot({ config, dryRun: false });
    await receive(probot, "d-x", issuesPayload("opened", { ...FR_EMAIL, repo: "someone/else" }));
  });

  test("an ofn-install issue gets its label and no comment", async () => {
    const probot = makeProbot({ config, dryRun: false });
    let added: unknown;
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [])
      .get(`${REPO}/labels`)
      .query(true)
      .reply(200, [
        {
          id: 2,
          node_id: "LA_2",
          url: `${API}${REPO}/labels/ofn-install`,
          name: "ofn-install",
          color: "5319e7",
          default: false,
          description: null,
        },
      ])
      .post(`${REPO}/issues/7/labels`, (b) => ((added = b), true))
      .reply(200, []);
    await receive(
      probot,
      "d-i",
      issuesPayload("opened", {
        title: "Bump Ansible from 2.10 to 3.0",
        body: "ansible-playbook site.yml --limit vagrant",
      }),
    );
    expect(added).toEqual({ labels: ["ofn-install"] });
  });

  test("an issue the bot is unsure about gets needs-triage and no comment: a person decides", async () => {
    const probot = makeProbot({ config, dryRun: false });
    let added: unknown;
    gh.watch(mockInstallationToken());
    github()
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [])
      .get(`${REPO}/labels`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/labels`, (b: { name: string }) => b.name === "needs-triage")
      .reply(201, (_u, b) => b)
      .post(`${REPO}/issues/7/labels`, (b) => ((added = b), true))
      .reply(200, []);
    await receive(
      probot,
      "d-unsure",
      issuesPayload("opened", {
        title: "Remove db access for the old metabase server",
        body: "Also clean up au_prod, it still used the old user.",
      }),
    );
    expect(added).toEqual({ labels: ["needs-triage"] });
    // nock fails the test on any comment: none was written.
  });

  test("in dry-run mode the plan is computed from reads and nothing is written", async () => {
    const probot = makeProbot({ config, dryRun: true });
    gh.watch(mockInstallationToken());
    github().get(`${REPO}/issues/7/comments`).query(true).reply(200, []);
    await receive(probot, "d-dry", issuesPayload("opened", FR_EMAIL));
  });

  test("a GitHub error fails the delivery visibly instead of being swallowed", async () => {
    const probot = makeProbot({ config, dryRun: false });
    gh.watch(mockInstallationToken());
    github().get(`${REPO}/issues/7/comments`).query(true).reply(502, { message: "Server Error" });
    await expect(receive(probot, "d-err", issuesPayload("opened", FR_EMAIL))).rejects.toThrow();
  });
});

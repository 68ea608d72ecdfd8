// The tier registry's pull requests get a "Tier registry" check run; the live registry is
// reloaded on push and a broken one on the default branch never replaces the last good one.
import { createHash } from "node:crypto";
import nock from "nock";
import { generateIssueForm } from "../src/form/generate.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { loadPolicy } from "../src/registry/policy.js";
import { loadRegistry } from "../src/registry/schema.js";
import {
  POLICY_TEXT,
  REGISTRY_TEXT,
  shippedConfig,
  SIGNALS_TEXT,
  TIERS_TEXT,
  WIRING_TEXT,
} from "./helpers/config.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API, loggedLines, makeProbot, mockInstallationToken } from "./helpers/probot.js";
import {
  issuesPayload,
  pullRequestPayload,
  pushPayload,
  restIssue,
  type IssueFields,
} from "./helpers/webhooks.js";

const SOURCE = "openfoodfoundation/sysadmin-pipe";
const REGISTRY = "config/instances.yml";
const POLICY = "config/policy.yml";
const TIERS = "config/tiers.yml";
const SIGNALS = "config/signals.yml";
/** The live repository holds the policy in its three files, as shipped. */
const POLICY_FILES = { [POLICY]: WIRING_TEXT, [TIERS]: TIERS_TEXT, [SIGNALS]: SIGNALS_TEXT };
const FORM = ".github/ISSUE_TEMPLATE/sysadmin-request.yml";

const shipped = shippedConfig();
const config = {
  registry: shipped.registry,
  policy: {
    ...shipped.policy,
    board: undefined,
    registry_source: { ...shipped.policy.registry_source, repo: SOURCE },
  },
};

/** Change one field of one instance in the registry's text, as a person would. */
function edit(text: string, code: string, field: string, value: string): string {
  const block = new RegExp(`(\\n  ${code}:\\n(?:    .*\\n)*?    ${field}: )[^\\n]*`);
  if (!block.test(text)) throw new Error(`no ${field} for ${code}`);
  return text.replace(block, `$1${value}`);
}

const BASE = edit(REGISTRY_TEXT, "be", "tier", "basic");
const formFor = (registryText: string) => {
  const registry = loadRegistry(registryText);
  const policy = loadPolicy(POLICY_TEXT);
  if (!registry.ok || !policy.ok) throw new Error("test registry is invalid");
  return generateIssueForm(registry.value, policy.value);
};
const lineOf = (text: string, pattern: RegExp) =>
  text.split("\n").findIndex(
    (l, i, all) =>
      pattern.test(l) &&
      /^ {2}be:/.test(
        all
          .slice(0, i)
          .reverse()
          .find((x) => /^ {2}\w/.test(x)) ?? "",
      ),
  ) + 1;

/** A file as the contents API's JSON form has it: over 1 MB, GitHub sends its size, no content. */
function contentsJson(path: string, text: string) {
  const size = Buffer.byteLength(text);
  const tooBig = size > 1024 * 1024;
  return {
    type: "file",
    encoding: tooBig ? "none" : "base64",
    size,
    name: path.split("/").at(-1),
    path,
    sha: createHash("sha1").update(`blob ${size}\0${text}`).digest("hex"),
    content: tooBig ? "" : Buffer.from(text, "utf8").toString("base64"),
  };
}

/** The registry repository: file texts by branch or sha, answered with ETags like GitHub. */
class FakeRepo {
  refs: Record<string, Record<string, string>> = {
    main: { [REGISTRY]: BASE, ...POLICY_FILES, [FORM]: formFor(BASE) },
    base: { [REGISTRY]: BASE, ...POLICY_FILES, [FORM]: formFor(BASE) },
  };
  reads: { path: string; ref: string; status: number }[] = [];

  intercept(scope: nock.Scope): nock.Scope {
    const { refs, reads } = this;
    return scope
      .get(new RegExp(`^/repos/${SOURCE}/contents/`))
      .query(true)
      .times(40)
      .reply(function (uri) {
        const url = new URL(uri, API);
        const path = decodeURIComponent(url.pathname.replace(/^.*?\/contents\//, ""));
        const ref = url.searchParams.get("ref") ?? "main";
        const text = refs[ref]?.[path];
        const status = text === undefined ? 404 : 200;
        const etag = text === undefined ? "" : `"${createHash("sha1").update(text).digest("hex")}"`;
        const notModified = status === 200 && this.req.headers["if-none-match"] === etag;
        reads.push({ path, ref, status: notModified ? 304 : status });
        if (status === 404) return [404, { message: "Not Found" }];
        if (notModified) return [304, ""];
        return [200, contentsJson(path, text!), { etag }];
      });
  }
}

const gh = installGitHubSchemaCheck();
const github = () => gh.watch(nock(API));
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => forgetKnownLabels());
checkAfterEachTest(gh);

const BE_DNS: IssueFields = {
  number: 21,
  title: "Belgian DNS records",
  body: "Please update the DNS records for openfoodnetwork.be",
  labels: ["sysadmin-pipe", "instance:be", "S3", "size:S", "category:dns", "not-covered"],
};

interface CheckRunBody {
  name: string;
  head_sha: string;
  conclusion: string;
  output: { title: string; summary: string; annotations: Record<string, unknown>[] };
}

/** Open a pull request whose head holds `head` (path -> text) and return the check run. */
async function checkPullRequest(
  head: Record<string, string>,
  openIssues: IssueFields[] = [],
  dryRun = false,
) {
  const repo = new FakeRepo();
  repo.refs.head = { ...repo.refs.base, ...head };
  const checks: CheckRunBody[] = [];
  gh.watch(mockInstallationToken());
  repo.intercept(github());
  github()
    .get(`/repos/${SOURCE}/pulls/5/files`)
    .query(true)
    .reply(
      200,
      Object.keys(head).map((filename) => ({
        sha: "bbcd538c8e72b8c175046e27cc8f907076331401",
        filename,
        status: "modified",
        additions: 1,
        deletions: 1,
        changes: 2,
        blob_url: `https://github.com/${SOURCE}/blob/head/${filename}`,
        raw_url: `https://github.com/${SOURCE}/raw/head/${filename}`,
        contents_url: `${API}/repos/${SOURCE}/contents/${filename}?ref=head`,
      })),
    );
  github()
    .get("/repos/openfoodfoundation/ofn-install/issues")
    .query({ state: "open", labels: "sysadmin-pipe", per_page: 100 })
    .optionally()
    .reply(
      200,
      openIssues.map((i) => restIssue(i)),
    );
  github()
    .post(`/repos/${SOURCE}/check-runs`, (body: CheckRunBody) => (checks.push(body), true))
    .optionally()
    .reply(201, { id: 77 });
  const probot = makeProbot({ config, dryRun });
  await probot.receive({
    id: `pr-${Math.random()}`,
    name: "pull_request",
    payload: pullRequestPayload("opened", SOURCE, { number: 5, head: "head", base: "base" }),
  } as never);
  return { check: checks[0], checks, repo };
}

describe("the Tier registry check on a pull request", () => {
  test("in dry run the check is computed from reads, and no check run is written", async () => {
    const { checks } = await checkPullRequest(
      { [REGISTRY]: edit(BASE, "be", "tier", "ful") },
      [],
      true,
    );
    expect(checks).toEqual([]);
    expect(loggedLines().some((l) => l.includes("dry run: not written"))).toBe(true);
  });

  test("a clean tier upgrade succeeds and says what it means, with the evidence and the requests it changes", async () => {
    let registry = edit(BASE, "be", "tier", "full");
    registry = registry.replace(
      "    hosts: [openfoodnetwork.be]",
      "    hosts: [openfoodnetwork.be]\n    evidence: [https://example.org/be-pledge]",
    );
    const { check } = await checkPullRequest({ [REGISTRY]: registry }, [BE_DNS]);

    expect(check).toMatchObject({
      name: "Tier registry",
      head_sha: "head",
      conclusion: "success",
      output: { title: "Valid: be: basic → full", annotations: [] },
    });
    const summary = check!.output.summary;
    expect(summary).toContain(
      "| `be` Open Food Network Belgium | basic → full | outage, upgrade, migration, dns, email, ssl, backup, monitoring, access, integration, performance, config, other, S0 response | — | [1](<https://example.org/be-pledge>) |",
    );
    expect(summary).toContain("[openfoodfoundation/ofn-install#21](");
    if (process.env.SHOW_SUMMARY) console.log(summary);
    expect(summary).toMatch(/Belgian DNS records \| rejected \| accepted \|/);
  });

  test("a typo in a tier fails, with the annotation on its line and column, in plain words", async () => {
    const registry = edit(BASE, "be", "tier", "ful");
    const { check } = await checkPullRequest({ [REGISTRY]: registry });

    expect(check!.conclusion).toBe("failure");
    expect(check!.output.title).toBe("1 problem to fix before merging");
    const line = lineOf(registry, /^ {4}tier: ful$/);
    expect(check!.output.annotations).toEqual([
      {
        path: REGISTRY,
        start_line: line,
        end_line: line,
        start_column: 11,
        end_column: 11,
        annotation_level: "failure",
        title: "Tier registry problem",
        message: "instance `be`: tier must be one of none, basic, full; got `ful`",
      },
    ]);
  });

  test("a YAML indentation error is annotated on the line people must fix", async () => {
    const registry = BASE.replace(
      "    hosts: [openfoodnetwork.be]",
      "      hosts: [openfoodnetwork.be]",
    );
    const { check } = await checkPullRequest({ [REGISTRY]: registry });

    expect(check!.conclusion).toBe("failure");
    const annotation = check!.output.annotations[0]!;
    expect(annotation.start_line).toBe(lineOf(registry, /^ {6}hosts: \[openfoodnetwork\.be\]/));
    expect(String(annotation.message)).toMatch(/indent/);
  });

  test("a host listed for two instances fails, naming both", async () => {
    const registry = edit(BASE, "be", "hosts", "[openfoodnetwork.be, coopcircuits.fr]");
    const { check } = await checkPullRequest({ [REGISTRY]: registry });

    expect(check!.conclusion).toBe("failure");
    expect(check!.output.annotations.map((a) => a.message)).toEqual([
      "instance `be`, hosts entry 2: host `coopcircuits.fr` is listed for both `fr` and `be`",
    ]);
  });

  test("any pull request giving an instance another's alias, or a mention as an alias, fails on that line", async () => {
    const registry = edit(
      BASE,
      "be",
      "aliases",
      '[Belgium, UK, "<!here> @openfoodfoundation/sysadmins"]',
    );
    const { check } = await checkPullRequest({ [REGISTRY]: registry });

    expect(check!.conclusion).toBe("failure");
    const line = lineOf(registry, /^ {4}aliases: \[Belgium/);
    expect(check!.output.annotations.map((a) => [a.start_line, a.message])).toEqual([
      [
        line,
        "instance `be`, aliases entry 2: alias `UK` is already the code of `uk` (names are compared ignoring case and accents): triage could not tell the two apart",
      ],
      [
        line,
        "instance `be`, aliases entry 3: alias must be plain words (letters, digits, spaces and . ' & ( ) / -); it has `<` or `>` (markup, or a chat control word like `<!channel>`), `!` (chat control words like `<!here>`), `@` (a mention)",
      ],
    ]);
  });

  test("a removed instance with open pipe requests is shown with those requests", async () => {
    const registry = BASE.replace(/\n {2}be:\n(?: {4}.*\n)+/, "\n");
    const { check } = await checkPullRequest({ [REGISTRY]: registry, [FORM]: formFor(registry) }, [
      { ...BE_DNS, labels: BE_DNS.labels!.filter((l) => l !== "not-covered") },
    ]);

    expect(check!.conclusion).toBe("success");
    expect(check!.output.summary).toContain(
      "**Removed:** `be` Open Food Network Belgium (was basic)",
    );
    expect(check!.output.summary).toContain("(names removed instance `be`)");
  });

  test("an instance added without regenerating the form fails the drift check, saying how to fix it", async () => {
    const registry = `${BASE.trimEnd()}\n  xk:\n    name: Open Food Network Kosovo\n    tier: none\n`;
    const { check } = await checkPullRequest({ [REGISTRY]: registry });

    expect(check!.conclusion).toBe("failure");
    expect(check!.output.annotations[0]).toMatchObject({
      path: FORM,
      message:
        "the instance dropdown does not match the registry: add `xk — Open Food Network Kosovo`. To fix it, run `npx sysadmin-pipe form --write` and commit the result",
    });
  });

  test("a change of what a tier covers (tiers.yml) shows the caps and coverage it changes", async () => {
    const tiers = TIERS_TEXT.replace(
      "  basic:\n    covers: [provisioning, deployment]",
      "  basic:\n    covers: [provisioning, deployment, dns]\n    max_size: S",
    );
    expect(tiers).not.toBe(TIERS_TEXT);
    const { check } = await checkPullRequest({ [TIERS]: tiers }, [BE_DNS]);

    expect(check!.conclusion).toBe("success");
    expect(check!.output.summary).toContain("**Size caps:** basic: none → S");
    expect(check!.output.summary).toContain(
      "| `be` Open Food Network Belgium | unchanged | dns | — |",
    );
    expect(check!.output.summary).toMatch(/Belgian DNS records \| rejected \| accepted \|/);
  });

  test("a new hour cap (tiers.yml) shows in the check, though no tier or coverage changes", async () => {
    const tiers = TIERS_TEXT.replace(
      "  full:\n",
      "  full:\n    hour_cap: { hours: 10, per: month, count: logged }\n",
    );
    expect(tiers).not.toBe(TIERS_TEXT);
    const { check } = await checkPullRequest({ [TIERS]: tiers });

    expect(check!.conclusion).toBe("success");
    expect(check!.output.title).toBe("Valid: caps changed");
    expect(check!.output.summary).toContain(
      "**Hour caps:** full: none → 10 h a month (hours logged)",
    );
  });

  test("a changed response promise (tiers.yml) shows in the check like any other tier change", async () => {
    const tiers = TIERS_TEXT.replace(
      "respond_within: { S0: 1h, S1: 1d, S2: 5d }",
      "respond_within: { S0: 30m, S1: 1d }",
    );
    expect(tiers).not.toBe(TIERS_TEXT);
    const { check } = await checkPullRequest({ [TIERS]: tiers });

    expect(check!.conclusion).toBe("success");
    expect(check!.output.title).toBe("Valid: response promises changed");
    expect(check!.output.summary).toContain(
      "**Response promises:** full S0: 1h → 30m; full S2: 5d → none",
    );
  });

  test("a pull request that does not touch the registry gets no check run", async () => {
    const { checks, repo } = await checkPullRequest({ "README.md": "hello" });
    expect(checks).toEqual([]);
    expect(repo.reads.filter((r) => r.ref !== "main")).toEqual([]);
  });
});

describe("the live registry", () => {
  async function triage(probot: ReturnType<typeof makeProbot>, id: string) {
    github()
      .get(`/repos/openfoodfoundation/ofn-install/issues/21/comments`)
      .query(true)
      .reply(200, []);
    await probot.receive({
      id,
      name: "issues",
      payload: issuesPayload("opened", { ...BE_DNS, labels: [] }),
    } as never);
    const line =
      loggedLines()
        .filter((l) => l.includes("request decided"))
        .at(-1) ?? "";
    return JSON.parse(line)[0] as { outcome: string; add: string[] };
  }

  async function push(probot: ReturnType<typeof makeProbot>, files: string[]) {
    await probot.receive({
      id: `push-${Math.random()}`,
      name: "push",
      payload: pushPayload(SOURCE, "refs/heads/main", files),
    } as never);
  }

  test("is cached, revalidated with ETags, and reloaded at once after a push", async () => {
    const repo = new FakeRepo();
    gh.watch(mockInstallationToken());
    repo.intercept(github());
    const probot = makeProbot({ config, dryRun: true });

    expect((await triage(probot, "i-1")).outcome).toBe("rejected"); // be is basic on main
    expect(repo.reads).toEqual([
      { path: REGISTRY, ref: "main", status: 200 },
      { path: POLICY, ref: "main", status: 200 },
      { path: TIERS, ref: "main", status: 200 },
      { path: SIGNALS, ref: "main", status: 200 },
    ]);
    await triage(probot, "i-2");
    expect(repo.reads).toHaveLength(4); // cached: no request at all

    repo.refs.main![REGISTRY] = edit(BASE, "be", "tier", "full");
    await push(probot, [REGISTRY]);
    expect(repo.reads.slice(4)).toEqual([
      { path: REGISTRY, ref: "main", status: 200 },
      // Unchanged: free conditional requests.
      { path: POLICY, ref: "main", status: 304 },
      { path: TIERS, ref: "main", status: 304 },
      { path: SIGNALS, ref: "main", status: 304 },
    ]);
    expect((await triage(probot, "i-3")).outcome).toBe("accepted");
  });

  test("a broken registry on the default branch keeps the last good one and rejects nothing", async () => {
    const repo = new FakeRepo();
    gh.watch(mockInstallationToken());
    repo.intercept(github());
    const probot = makeProbot({ config, dryRun: true });
    await triage(probot, "i-1");

    repo.refs.main![REGISTRY] = edit(BASE, "fr", "tier", "ful");
    await push(probot, [REGISTRY]);

    expect(
      loggedLines().some((l) => l.includes("THE REGISTRY ON THE DEFAULT BRANCH IS INVALID")),
    ).toBe(true);
    const held = await triage(probot, "i-2");
    expect(held.outcome).toBe("needs-info");
    expect(held.add).toContain("needs-triage");
    expect(held.add).not.toContain("not-covered");
  });

  test("a push that does not touch the registry reads nothing", async () => {
    const repo = new FakeRepo();
    gh.watch(mockInstallationToken());
    repo.intercept(github());
    const probot = makeProbot({ config, dryRun: true });
    await push(probot, ["README.md"]);
    expect(repo.reads).toEqual([]);
  });
});

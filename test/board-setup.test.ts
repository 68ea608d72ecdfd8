// `sysadmin-pipe board setup|check`: a team starts from an empty project and the command creates
// what the app needs, against recorded-shape GitHub answers checked by GitHub's schema.
import nock from "nock";
import { runCli } from "./helpers/cli.js";
import { FakeBoard } from "./helpers/fake-board.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API } from "./helpers/probot.js";

const gh = installGitHubSchemaCheck();
const ENV = { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: API };

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
checkAfterEachTest(gh);

async function board(args: string[], fake: FakeBoard, env: NodeJS.ProcessEnv = ENV) {
  fake.intercept(gh.watch(nock(API)));
  const owner = ["--owner", "openfoodfoundation", "--number", "5"];
  return runCli(["board", ...args, ...owner], { env });
}

const optionNames = (fake: FakeBoard, field: string) =>
  fake.field(field)?.options.map((o) => o.name);

describe("board setup", () => {
  test("an empty project gets every field and column the app needs, and says what it did", async () => {
    const fake = new FakeBoard("empty");
    const result = await board(["setup"], fake);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // GitHub's own "In Progress" counts as the app's "In progress"; Todo is kept.
    expect(optionNames(fake, "Status")).toEqual([
      "Todo",
      "In Progress",
      "Done",
      "Inbox",
      "Emergency",
      "Ready",
      "Jobs board",
    ]);
    expect(optionNames(fake, "Severity")).toEqual(["S0", "S1", "S2", "S3"]);
    expect(optionNames(fake, "Size")).toEqual(["XS", "S", "M", "L"]);
    expect(optionNames(fake, "Tier")).toEqual(["none", "basic", "full"]);
    expect(optionNames(fake, "Instance")).toContain("fr");
    expect(fake.field("Hours")?.dataType).toBe("NUMBER");
    expect(fake.field("Estimate")?.dataType).toBe("NUMBER");
    expect(fake.field("Respond by")?.dataType).toBe("DATE");
    expect(result.stdout).toContain("added Inbox, Emergency, Ready, Jobs board to `Status`");
    expect(result.stdout).toContain("created field `Severity` (options: S0, S1, S2, S3)");
    expect(result.stdout).toContain("created field `Hours`");
    expect(result.stdout).toContain("created field `Estimate`");
    expect(result.stdout).toContain("created field `Respond by`");
    // One request to read, then one per change.
    expect(fake.calls.map((c) => c.operation)).toEqual([
      "SysadminPipeProject",
      "SysadminPipeAddOptions",
      ...Array(7).fill("SysadminPipeCreateField"),
    ]);

    const again = await board(["check"], fake);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("matches the configuration");
  });

  test("a project that already has some fields keeps them and gets only what is missing", async () => {
    const fake = new FakeBoard();
    const severity = fake.field("Severity")!;
    severity.options = severity.options.slice(0, 2); // S0 and S1 only
    severity.options[0]!.description = "Our own words, kept";
    fake.fields = fake.fields.filter((f) => f.name !== "Size");
    const tierBefore = structuredClone(fake.field("Tier"));

    const result = await board(["setup"], fake);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("added S2, S3 to `Severity`");
    expect(result.stdout).toContain("created field `Size`");
    expect(result.stdout).not.toContain("Tier");
    expect(optionNames(fake, "Severity")).toEqual(["S0", "S1", "S2", "S3"]);
    expect(fake.field("Severity")!.options[0]!.description).toBe("Our own words, kept");
    expect(fake.field("Tier")).toEqual(tierBefore);
    expect(fake.mutations()).toEqual(["SysadminPipeAddOptions", "SysadminPipeCreateField"]);
  });

  test("a board set up before Respond by existed gets the date field, and nothing else", async () => {
    const fake = new FakeBoard();
    fake.fields = fake.fields.filter((f) => f.name !== "Respond by");

    const result = await board(["setup"], fake);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("created field `Respond by`");
    expect(fake.field("Respond by")).toMatchObject({ dataType: "DATE", options: [] });
    expect(fake.mutations()).toEqual(["SysadminPipeCreateField"]);
  });

  test("--dry-run shows what it would change and changes nothing", async () => {
    const fake = new FakeBoard("empty");
    const before = structuredClone(fake.fields);

    const result = await board(["setup", "--dry-run"], fake);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("would add Inbox, Emergency, Ready, Jobs board to `Status`");
    expect(result.stdout).toContain("would create field `Tier` (options: none, basic, full)");
    expect(fake.mutations()).toEqual([]);
    expect(fake.fields).toEqual(before);
  });

  test("a field of the wrong type is reported, not replaced", async () => {
    const fake = new FakeBoard();
    fake.field("Hours")!.dataType = "TEXT";

    const result = await board(["setup"], fake);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "cannot fix: field `Hours` is text, but the app needs number: rename or remove it",
    );
    expect(fake.mutations()).toEqual([]);
  });
});

describe("board check", () => {
  test("drift is listed and the exit code says so, without changing the board", async () => {
    const fake = new FakeBoard();
    fake.field("Status")!.options = fake
      .field("Status")!
      .options.filter((o) => o.name !== "Emergency");
    fake.fields = fake.fields.filter((f) => f.name !== "Instance");

    const result = await board(["check"], fake);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("- field `Status` lacks the options Emergency");
    expect(result.stdout).toContain("- field `Instance` is missing");
    expect(result.stdout).toContain("Run `sysadmin-pipe board setup`");
    expect(fake.mutations()).toEqual([]);
  });

  test("a project that does not exist gets one clear sentence", async () => {
    const fake = new FakeBoard();
    fake.missing = true;

    const result = await board(["check"], fake);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "board check failed: project 5 of openfoodfoundation does not exist, or the app cannot see it\n",
    );
  });

  test("without a token it says which one to set and sends nothing", async () => {
    const fake = new FakeBoard();
    const result = await board(["check"], fake, {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Set GITHUB_TOKEN");
    expect(fake.calls).toEqual([]);
  });
});

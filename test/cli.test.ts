// The offline CLI: same decisions as the app, JSON Lines in, one JSON object per line out.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./helpers/cli.js";
import { REGISTRY_TEXT } from "./helpers/config.js";

const run = (args: string[], stdin = "", env?: NodeJS.ProcessEnv) => runCli(args, { stdin, env });

const line = (o: object) => JSON.stringify(o);

describe("sysadmin-pipe triage", () => {
  test("--json prints the design's contract for each line, in input order", async () => {
    const input = [
      line({
        repo: "openfoodfoundation/ofn-install",
        title: "French email errors",
        body: "Order confirmations from coopcircuits.fr are not sent",
        labels: [],
      }),
      line({
        repo: "openfoodfoundation/ofn-install",
        title: "Bump Ansible from 2.10 to 3.0",
        body: "ansible-playbook site.yml",
      }),
    ].join("\n");
    const result = await run(["triage", "--json", "-"], input);
    expect(result.code).toBe(0);
    const [first, second] = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(Object.keys(first)).toEqual([
      "kind",
      "instances",
      "category",
      "severity",
      "size",
      "outcome",
      "labels",
      "reasons",
    ]);
    expect(first).toMatchObject({
      kind: "instance",
      instances: ["fr"],
      category: "email",
      severity: "S1",
      size: "S",
      outcome: "accepted",
      labels: ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"],
    });
    expect(second).toMatchObject({ kind: "install", outcome: "not-pipe", labels: ["ofn-install"] });
  });

  test("a GitHub REST issue object is accepted as input", async () => {
    const issue = {
      repository_url: "https://api.github.com/repos/openfoodfoundation/ofn-install",
      number: 231,
      title: "SSL expiry on USA?",
      body: null,
      labels: [{ name: "bug" }],
      user: { login: "someone" },
    };
    const result = await run(["triage", "--json"], line(issue));
    expect(JSON.parse(result.stdout)).toMatchObject({
      instances: ["us"],
      category: "ssl",
      severity: "S1",
    });
  });

  test("a bad line is reported with its number; the other lines are still triaged; the exit code says so", async () => {
    const input = [
      "{not json",
      line({ repo: "openfoodfoundation/ofn-install", title: "UK IS ON FIRE" }),
      line({ repo: "x/y" }),
    ].join("\n");
    const result = await run(["triage", "--json"], input);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^line 1: not valid JSON/m);
    expect(result.stderr).toMatch(/^line 3: `title` is missing/m);
  });

  test("without --json a readable table is printed", async () => {
    const result = await run(
      ["triage"],
      line({ repo: "openfoodfoundation/ofn-install", title: "UK IS ON FIRE" }),
    );
    expect(result.stdout).toMatch(
      /^line\s+title\s+kind\s+instances\s+category\s+sev\s+size\s+outcome/,
    );
    expect(result.stdout).toMatch(/UK IS ON FIRE\s+instance\s+uk\s+outage\s+S0\s+S\s+accepted/);
  });

  test("an invalid registry is explained with file, line and column, and nothing is triaged", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sp-"));
    const file = path.join(dir, "instances.yml");
    writeFileSync(file, REGISTRY_TEXT.replace(/( {2}fr:\n(?:.*\n)*? {4}tier: )full/, "$1ful"));
    const result = await run(
      ["triage", "--registry", file, "--json"],
      line({ repo: "a/b", title: "x" }),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /instances\.yml:\d+:11: instance `fr`: tier must be one of none, basic, full; got `ful`/,
    );
  });

  test("an unknown option is named in one line with where to read more, not the whole usage", async () => {
    const result = await run(["triage", "--jsn"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "sysadmin-pipe triage: unknown option `--jsn`\nRun `sysadmin-pipe triage --help` for usage.\n",
    );
  });
});

describe("REGISTRY_FILE and POLICY_FILE, as the app reads them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-env-"));
  const ukWithoutTier = path.join(dir, "instances.yml");
  writeFileSync(
    ukWithoutTier,
    REGISTRY_TEXT.replace(/(\n {2}uk:\n(?: {4}.*\n)*? {4}tier: )\w+.*/, "$1none"),
  );
  const fire = line({ repo: "openfoodfoundation/ofn-install", title: "UK IS ON FIRE" });
  const outcome = async (args: string[], env: NodeJS.ProcessEnv) =>
    JSON.parse((await run(["triage", "--json", ...args], fire, env)).stdout).outcome;

  test("REGISTRY_FILE replaces the shipped registry: UK without a tier is rejected", async () => {
    expect(await outcome([], {})).toBe("accepted");
    expect(await outcome([], { REGISTRY_FILE: ukWithoutTier })).toBe("rejected");
  });

  test("--registry still wins over REGISTRY_FILE", async () => {
    const env = { REGISTRY_FILE: ukWithoutTier };
    expect(await outcome(["--registry", "config/instances.yml"], env)).toBe("accepted");
  });

  test("POLICY_FILE is read too: a missing one is explained, naming it", async () => {
    const missing = path.join(dir, "no-policy.yml");
    const result = await run(["triage"], fire, { POLICY_FILE: missing });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${missing}:1:1: cannot read this file`);
  });

  test("validate checks the registry REGISTRY_FILE names", async () => {
    const typo = path.join(dir, "typo.yml");
    writeFileSync(typo, REGISTRY_TEXT.replace(/(\n {2}fr:\n(?: {4}.*\n)*? {4}tier: )\w+/, "$1ful"));
    const result = await run(["validate", "--json"], "", { REGISTRY_FILE: typo });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      problems: [{ file: typo, message: expect.stringContaining("got `ful`") }],
    });
  });
});

describe("sysadmin-pipe form", () => {
  test("--check fails when the saved form has drifted from the registry", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sp-"));
    const target = path.join(dir, "form.yml");
    expect((await run(["form", "--write", target])).code).toBe(0);
    expect((await run(["form", "--check", target])).code).toBe(0);
    writeFileSync(
      target,
      readFileSync(target, "utf8").replace("        - no — Open Food Network Norway\n", ""),
    );
    const drifted = await run(["form", "--check", target]);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toMatch(/does not match the registry/);
  });
});

describe("sysadmin-pipe validate and diff", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-validate-"));
  const typo = path.join(dir, "instances.yml");
  writeFileSync(typo, REGISTRY_TEXT.replace(/(\n {2}fr:\n(?: {4}.*\n)*? {4}tier: )\w+/, "$1ful"));
  const downgraded = path.join(dir, "downgraded.yml");
  writeFileSync(
    downgraded,
    REGISTRY_TEXT.replace(/(\n {2}fr:\n(?: {4}.*\n)*? {4}tier: )\w+/, "$1basic"),
  );

  test("the shipped files are valid", async () => {
    const result = await run(["validate"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^All valid \(21 instances\): config\/instances.yml, config\/policy.yml, config\/tiers.yml, config\/signals.yml, \.github/,
    );
  });

  test("a tier typo is reported at its line and column, and the exit code says so", async () => {
    const result = await run(["validate", typo]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /instances\.yml:\d+:11: instance `fr`: tier must be one of none, basic, full; got `ful`\n$/,
    );
    const json = JSON.parse((await run(["validate", "--json", typo])).stdout);
    expect(json).toMatchObject({
      ok: false,
      problems: [{ column: 11, message: expect.stringContaining("`ful`") }],
    });
  });

  test("a file that is not there is a problem like the others, in the same JSON shape", async () => {
    const missing = path.join(dir, "not-there.yml");
    const result = await run(["validate", "--json", missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      problems: [
        {
          file: missing,
          line: 1,
          column: 1,
          message: "cannot read this file: the file does not exist",
        },
      ],
    });
    const text = await run(["validate", missing]);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(`${missing}:1:1: cannot read this file: the file does not exist\n`);
  });

  test("diff prints what a change means", async () => {
    const result = await run(["diff", "config/instances.yml", downgraded]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "| `fr` CoopCircuits (France) | full → basic | — | outage, upgrade,",
    );
    expect(result.stdout).toContain("S0 response | — |");
  });

  test("diff with an invalid side explains instead of diffing", async () => {
    const result = await run(["diff", "config/instances.yml", typo]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("got `ful`");
  });
});

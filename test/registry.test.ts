// The tier registry: the shipped file is complete, and every mistake is explained in plain words
// at the right line and column.
import { readFileSync } from "node:fs";
import { registryJsonSchemaText } from "../src/registry/json-schema.js";
import { loadRegistry } from "../src/registry/schema.js";
import { formatProblems, type ConfigProblem } from "../src/registry/yaml-load.js";
import { REGISTRY_TEXT } from "./helpers/config.js";

const real = JSON.parse(
  readFileSync(new URL("./fixtures/instances.json", import.meta.url), "utf8"),
) as {
  instances: { code: string; name: string; hosts: string[]; aliases: string[] }[];
};

function problems(text: string): ConfigProblem[] {
  const result = loadRegistry(text, "instances.yml");
  if (result.ok) throw new Error("expected the registry to be refused");
  return result.problems;
}

/** 1-based line of the first line containing `needle` (after `after`, if given). */
function lineOf(text: string, needle: string, after = 0): number {
  return text.split("\n").findIndex((line, i) => i >= after && line.includes(needle)) + 1;
}

/**
 * The shipped registry with instance `fr`'s first line starting `from` rewritten as `to` (which
 * may span lines), as a person would; `line` is the last line written.
 */
function editFrance(from: string, to: string): { text: string; line: number } {
  const lines = REGISTRY_TEXT.split("\n");
  const fr = lineOf(REGISTRY_TEXT, "  fr:") - 1;
  const at = lines.findIndex((line, i) => i >= fr && line.startsWith(from));
  lines[at] = to + lines[at]!.slice(from.length);
  return { text: lines.join("\n"), line: at + to.split("\n").length };
}

describe("the shipped registry", () => {
  const result = loadRegistry(REGISTRY_TEXT);

  test("loads", () => {
    expect(result.ok).toBe(true);
  });

  test("lists every real instance with at least its inventory hosts and aliases", () => {
    if (!result.ok) throw new Error("invalid");
    expect(Object.keys(result.value.instances)).toEqual(real.instances.map((i) => i.code));
    for (const instance of real.instances) {
      // The inventory's hosts and aliases, and maybe more (former domains, local names).
      expect(result.value.instances[instance.code]).toMatchObject({
        name: instance.name,
        hosts: expect.arrayContaining(instance.hosts),
        aliases: expect.arrayContaining(instance.aliases),
        os: "ubuntu",
      });
    }
  });

  test("marks its tiers as examples", () => {
    const tierLines = REGISTRY_TEXT.split("\n").filter((l) => /^\s+tier:/.test(l));
    expect(tierLines).toHaveLength(real.instances.length);
    expect(tierLines.every((l) => l.includes("# example"))).toBe(true);
  });

  test("its JSON Schema in config/ is up to date (regenerate with `sysadmin-pipe schema --write`)", () => {
    const committed = readFileSync(
      new URL("../config/instances.schema.json", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(registryJsonSchemaText());
  });
});

describe("mistakes in the registry are explained where they are", () => {
  test("a typo in a tier names the instance, the allowed tiers and what was written", () => {
    const text = REGISTRY_TEXT.replace(/( {2}fr:\n(?:.*\n)*? {4}tier: )full/, "$1ful");
    const [problem, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      file: "instances.yml",
      line: lineOf(text, "tier: ful ", lineOf(text, "  fr:")),
      column: 11,
      message: "instance `fr`: tier must be one of none, basic, full; got `ful`",
    });
  });

  test("a YAML indentation error is reported on its line", () => {
    const text = "instances:\n  uk:\n    name: UK\n     tier: full\n    hosts: []\n";
    const [problem] = problems(text);
    expect(problem?.line).toBe(4);
    expect(problem?.message).toMatch(/indented differently/);
  });

  test.each([
    ["in place of the indentation", "\t  tier", 1],
    ["after two spaces", "  \t  tier", 3],
  ])("a tab in the registry is one error at its line and column (%s)", (_where, tier, column) => {
    const { text, line } = editFrance("    tier", tier);
    expect(problems(text)).toEqual([
      {
        file: "instances.yml",
        line,
        column,
        message: "a tab is used for indentation here; YAML needs spaces",
      },
    ]);
  });

  test("several problems come out in line order", () => {
    const text =
      "instances:\n  uk:\n    tier: ful\n    name: 5\n  fr:\n    tierr: full\n    name: France\n    review_every_months: 3\n";
    expect(problems(text).map((p) => `${p.line}:${p.column}: ${p.message}`)).toEqual([
      "3:11: instance `uk`: tier must be one of none, basic, full; got `ful`",
      "4:11: instance `uk`: name must be text; got `5`",
      "6:5: instance `fr`: `tier` is missing",
      "6:5: instance `fr`: unknown field `tierr`; check the spelling",
      "8:26: instance `fr`: review_every_months must be at least 6; got `3`",
    ]);
  });

  test.each([
    ["a field indented by 3 spaces instead of 4", "    tier", "   tier", 4, /indented differently/],
    [
      "a field indented by 5 spaces instead of 4",
      "    tier",
      "     tier",
      6,
      /indented differently/,
    ],
    [
      "an instance code indented by 3 spaces instead of 2",
      "  fr:",
      "   fr:",
      4,
      /indented differently/,
    ],
    [
      "a list item out of line with the one above",
      "    hosts: [coopcircuits.fr, staging.coopcircuits.fr, openfoodfrance.org]",
      "    hosts:\n      - coopcircuits.fr\n     - staging.coopcircuits.fr",
      6,
      /list item is indented differently/,
    ],
  ])("%s is one error where the misplaced text starts", (_name, from, to, column, message) => {
    const { text, line } = editFrance(from, to);
    const [problem, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ line, column, message: expect.stringMatching(message) });
  });

  test("a duplicate instance code is reported at its second occurrence", () => {
    const text =
      "instances:\n  uk:\n    name: UK\n    tier: full\n  uk:\n    name: UK again\n    tier: basic\n";
    const [problem] = problems(text);
    expect(problem).toMatchObject({
      line: 5,
      message: "`uk` appears twice here; each entry must be listed once",
    });
  });

  test("a host listed for two instances", () => {
    const text =
      "instances:\n  fr:\n    name: France\n    tier: full\n    hosts: [coopcircuits.fr]\n  be:\n    name: Belgium\n    tier: basic\n    hosts: [openfoodnetwork.be, coopcircuits.fr]\n";
    const [problem] = problems(text);
    expect(problem).toMatchObject({
      line: 9,
      message:
        "instance `be`, hosts entry 2: host `coopcircuits.fr` is listed for both `fr` and `be`",
    });
  });

  test.each([
    [
      "an unknown field",
      "    tierr: full\n",
      /instance `uk`: unknown field `tierr`; check the spelling/,
    ],
    [
      "a manager handle that is not a GitHub login",
      "    managers: [-bad-]\n",
      /managers entry 1: this entry must be a GitHub login/,
    ],
    [
      "a review interval outside 6–12 months",
      "    review_every_months: 3\n",
      /review_every_months must be at least 6; got `3`/,
    ],
    [
      "a review date that is not a date",
      "    reviewed: last spring\n",
      /reviewed must be a date written like 2026-05-01/,
    ],
    [
      "a host that is not a host name",
      "    hosts: [not a host]\n",
      /hosts entry 1: this entry must be a host name/,
    ],
  ])("%s", (_name, line, message) => {
    const text = `instances:\n  uk:\n    name: UK\n    tier: full\n${line}`;
    const [problem] = problems(text);
    expect(problem?.message).toMatch(message);
    expect(problem?.line).toBe(5);
  });

  test("a missing tier", () => {
    const [problem] = problems("instances:\n  uk:\n    name: UK\n");
    expect(problem?.message).toBe("instance `uk`: `tier` is missing");
  });

  test("a date review is kept as written", () => {
    const result = loadRegistry(
      "instances:\n  uk:\n    name: UK\n    tier: full\n    reviewed: 2026-05-01\n",
    );
    expect(result.ok && result.value.instances.uk?.reviewed).toBe("2026-05-01");
  });
});

describe("the words instances are known by are plain and never shared", () => {
  /** The shipped registry with one more instance, whose name and aliases are these. */
  const withPortugal = (name: string, aliases: string) =>
    `${REGISTRY_TEXT}  pt:\n    name: ${name}\n    tier: basic\n    aliases: ${aliases}\n`;

  test("an alias another instance is known by (code, name or alias; any case or accents) is flagged on its line and column", () => {
    const text = withPortugal(
      "Open Food Network Portugal",
      "[Portugal, UK, france, Espana, Open-Food France]",
    );
    const line = lineOf(text, "    aliases: [Portugal");
    expect(problems(text).map((p) => [p.line, p.column, p.message])).toEqual([
      [
        line,
        25,
        "instance `pt`, aliases entry 2: alias `UK` is already the code of `uk` (names are compared ignoring case and accents): triage could not tell the two apart",
      ],
      [
        line,
        29,
        "instance `pt`, aliases entry 3: alias `france` is already an alias of `fr` (names are compared ignoring case and accents): triage could not tell the two apart",
      ],
      [
        line,
        37,
        "instance `pt`, aliases entry 4: alias `Espana` is already an alias of `es` (names are compared ignoring case and accents): triage could not tell the two apart",
      ],
      [
        line,
        45,
        "instance `pt`, aliases entry 5: alias `Open-Food France` is already an alias of `fr` (names are compared ignoring case and accents): triage could not tell the two apart",
      ],
    ]);
  });

  test("a name another instance has, or an instance code another instance uses as a word, is flagged", () => {
    const name = problems(withPortugal("Open Food Network UK", "[Portugal]"));
    expect(name.map((p) => p.message)).toEqual([
      "instance `pt`: name `Open Food Network UK` is already the name of `uk` (names are compared ignoring case and accents): triage could not tell the two apart",
    ]);
    const text = `${REGISTRY_TEXT}  katuma:\n    name: Katuma Two\n    tier: none\n`;
    const code = problems(text);
    expect(code.map((p) => [p.line, p.message])).toEqual([
      [
        lineOf(text, "  katuma:"),
        "instance `katuma`: the code `katuma` is already an alias of `es` (names are compared ignoring case and accents): triage could not tell the two apart",
      ],
    ]);
  });

  test.each([
    [
      "a chat control word and a team mention",
      '"<!channel> @openfoodfoundation/sysadmins"',
      /it has `<` or `>` .*`!` .*`@` \(a mention\)/,
    ],
    ["a Markdown link", '"[x](https://evil.example)"', /brackets \(link markup\)/],
    ["a host name, which a chat app links", "evil.example", /looks like a host name or link/],
    ["a backtick", '"a`b"', /a backtick/],
    ["an HTML tag", '"<img src=x>"', /`<` or `>`/],
  ])(
    "an alias with %s is refused where it is written, without echoing it",
    (_what, alias, message) => {
      const text = withPortugal("Open Food Network Portugal", `[Portugal, ${alias}]`);
      const [problem] = problems(text);
      expect(problem?.message).toMatch(/^instance `pt`, aliases entry 2: alias /);
      expect(problem?.message).toMatch(message);
      expect(problem?.line).toBe(lineOf(text, "    aliases: [Portugal"));
    },
  );

  test("a name with markup is refused; names like `CoopCircuits (France)` and accents are fine", () => {
    const [problem] = problems(withPortugal('"Portugal @here"', "[Portugal]"));
    expect(problem?.message).toMatch(/^instance `pt`: name must be plain words.*`@` \(a mention\)/);
    const ok = loadRegistry(
      withPortugal("Rede Alimentar (Portugal) & Ilhas", "[Portugal, Açores, St. Miguel]"),
    );
    expect(ok.ok).toBe(true);
  });
});

describe("whatever the file holds, loading never throws", () => {
  test.each([
    ["an empty file", "", /the file is empty/],
    ["a list instead of a map", "- uk\n- fr\n", /must be a group of fields/],
    ["a plain word", "hello", /must be a group of fields/],
    [
      "random bytes",
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 131) % 256)).toString("latin1"),
      /./,
    ],
    ["10,000 levels of nesting", "[".repeat(10_000), /./],
    ["a 2 MB file", "# x\n".repeat(550_000), /is 2,149 KiB, larger than the 128 KiB/],
    [
      "an alias bomb",
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      /./,
    ],
  ])("%s", (_name, text, message) => {
    const result = loadRegistry(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.length).toBeGreaterThan(0);
      expect(result.problems.length).toBeLessThanOrEqual(50);
      expect(result.problems[0]?.message).toMatch(message);
    }
  });

  test("problems print as file:line:column: message", () => {
    expect(
      formatProblems([{ file: "config/instances.yml", line: 3, column: 5, message: "x" }]),
    ).toBe("config/instances.yml:3:5: x");
  });
});

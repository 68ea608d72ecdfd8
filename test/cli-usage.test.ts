// How the command line answers a person: every command explains itself with --help, the version
// is one flag away, and a mistake on the command line is one line naming it, never the manual.
import { readFileSync } from "node:fs";
import { COMMANDS } from "../src/cli/commands.js";
import { runCli } from "./helpers/cli.js";

const run = (args: string[]) => runCli(args, { env: {} });

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const count = (text: string, char: string) => text.split(char).length - 1;

describe("sysadmin-pipe --help", () => {
  test.each(COMMANDS.map((c) => [c.name, c] as const))(
    "`%s --help` and `-h` print its synopsis and every option with its meaning",
    async (name, command) => {
      for (const flag of ["--help", "-h"]) {
        const result = await run([...name.split(" "), flag]);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe("");
        expect(result.stdout).toContain(`Usage: sysadmin-pipe ${name} ${command.synopsis}\n`);
        expect(result.stdout).toContain(command.summary);
        for (const [option, spec] of Object.entries(command.options)) {
          expect(result.stdout).toMatch(
            new RegExp(`^ {2}--${escape(option)}\\b.* {2}${escape(spec.help)}$`, "m"),
          );
        }
        expect(result.stdout).toMatch(/^ {2}-h, --help +show this help$/m);
      }
      const viaHelp = await run(["help", ...name.split(" ")]);
      expect(viaHelp).toEqual(await run([...name.split(" "), "--help"]));
    },
  );

  test("--help wins over missing arguments and other options", async () => {
    const result = await run(["diff", "--json", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: sysadmin-pipe diff /);
  });

  test("no arguments, --help, -h and help all list every command, one line each", async () => {
    const answers = await Promise.all([[], ["--help"], ["-h"], ["help"]].map((args) => run(args)));
    for (const result of answers) {
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(answers[0]!.stdout);
    }
    for (const command of COMMANDS) {
      expect(answers[0]!.stdout).toMatch(
        new RegExp(`^ {2}${escape(command.name)} +${escape(command.summary)}$`, "m"),
      );
    }
    expect(answers[0]!.stdout).toContain("Run `sysadmin-pipe <command> --help`");
  });

  test("`board --help` lists the board's subcommands", async () => {
    const result = await run(["board", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}board setup +Create/m);
    expect(result.stdout).toMatch(/^ {2}board check +Report/m);
    expect(await run(["help", "board"])).toEqual(result);
  });
});

describe("sysadmin-pipe --version", () => {
  const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

  test.each(["--version", "-v"])("%s prints the package's version", async (flag) => {
    expect(await run([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});

describe("a mistake on the command line", () => {
  test.each([
    [["triage", "--jsn"], "triage", "unknown option `--jsn`"],
    [["triage", "one.jsonl", "two.jsonl"], "triage", "unexpected argument `two.jsonl`"],
    [["frob"], "", "unknown command `frob`"],
    [["--frob"], "", "unknown option `--frob`"],
    [["help", "frob"], "", "unknown command `frob`"],
    [["diff", "config/instances.yml"], "diff", "missing arguments: expected OLD NEW"],
    [["eval"], "eval", "missing arguments: expected FILE..."],
    [["report", "--period"], "report", "option `--period` needs a value (PERIOD)"],
    [["schema", "--write=yes"], "schema", "option `--write` takes no value"],
    [["board"], "board", "a subcommand must come first: setup or check"],
    [["board", "frob"], "board", "unknown subcommand `frob`: use setup or check"],
    [["board", "check", "--number", "x"], "board check", "Say which project"],
    [["reviews", "--today", "tomorrow"], "reviews", "--today `tomorrow` is not a date"],
    [["report", "--since", "2026-10-01"], "report", "Say which period"],
  ])("%j: exit 2, one line naming it and where to read more", async (args, where, problem) => {
    const result = await run(args);
    const name = where ? `sysadmin-pipe ${where}` : "sysadmin-pipe";
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(problem);
    expect(lines[1]).toBe(`Run \`${name} --help\` for usage.`);
    expect(lines[2]).toBe("");
    for (const quote of ["'", '"', "`"]) expect(count(result.stderr, quote) % 2).toBe(0);
  });

  test("with --json, the mistake is one JSON line too", async () => {
    const result = await run(["validate", "--json", "--strict"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(JSON.parse(result.stderr)).toEqual({
      ok: false,
      error: "unknown option `--strict`",
      hint: "Run `sysadmin-pipe validate --help` for usage.",
    });
  });

  test("a file that cannot be read is a run-time error (exit 1) that names it", async () => {
    const result = await run(["triage", "/nonexistent/issues.jsonl"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "sysadmin-pipe triage: cannot read /nonexistent/issues.jsonl: the file does not exist\n",
    );
  });
});

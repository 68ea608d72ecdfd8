// `sysadmin-pipe validate` and `sysadmin-pipe diff`: the pull-request check's findings, locally,
// before pushing.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { DEFAULT_POLICY, DEFAULT_REGISTRY } from "../config.js";
import { FORM_PATH } from "../form/generate.js";
import { diffConfigs, renderDiff } from "../registry/diff.js";
import { validateConfig, type ConfigFile } from "../registry/validate.js";
import { formatProblems } from "../registry/yaml-load.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

type Role = "registry" | "policy" | "form";

function read(file: string): ConfigFile {
  const shown = path.relative(process.cwd(), file);
  return { path: shown.startsWith("..") ? file : shown, text: readFileSync(file, "utf8") };
}

/** Which file is which, by what it holds: the registry has `instances`, the policy `tiers`. */
function roleOf(file: ConfigFile): Role | undefined {
  let doc: unknown;
  try {
    doc = parse(file.text);
  } catch {
    // Unparseable: guess from the name, so the YAML error is still reported on it.
    return /polic/i.test(file.path)
      ? "policy"
      : /ISSUE_TEMPLATE|form/i.test(file.path)
        ? "form"
        : "registry";
  }
  const keys = doc && typeof doc === "object" ? Object.keys(doc) : [];
  if (keys.includes("instances")) return "registry";
  if (keys.includes("tiers")) return "policy";
  if (keys.includes("body")) return "form";
  return undefined;
}

export function validateCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  const given: Partial<Record<Role, ConfigFile>> = {};
  try {
    for (const file of positionals.map(read)) {
      const role = roleOf(file);
      if (!role) {
        io.stderr(
          `${file.path}: not a registry, policy or issue form (no \`instances\`, \`tiers\` or \`body\`)\n`,
        );
        return 2;
      }
      given[role] = file;
    }
    const files = {
      registry: given.registry ?? read(DEFAULT_REGISTRY),
      policy: given.policy ?? read(DEFAULT_POLICY),
      form:
        given.form ?? (!positionals.length && existsSync(FORM_PATH) ? read(FORM_PATH) : undefined),
    };
    const { problems, config } = validateConfig(files);
    if (values.json) {
      io.stdout(`${JSON.stringify({ ok: problems.length === 0, problems })}\n`);
    } else if (problems.length) {
      io.stdout(`${formatProblems(problems)}\n`);
    } else {
      const n = Object.keys(config!.registry.instances).length;
      const checked = [files.registry, files.policy, files.form].flatMap((f) =>
        f ? [f.path] : [],
      );
      io.stdout(`All valid (${n} instances): ${checked.join(", ")}\n`);
    }
    return problems.length ? 1 : 0;
  } catch (error) {
    io.stderr(`cannot read: ${(error as Error).message}\n`);
    return 2;
  }
}

/** A registry file, or a folder holding instances.yml and policy.yml (or config/ with them). */
function side(
  where: string,
  policy: string | undefined,
): { registry: ConfigFile; policy: ConfigFile } {
  if (statSync(where).isDirectory()) {
    const dir = existsSync(path.join(where, "config", "instances.yml"))
      ? path.join(where, "config")
      : where;
    return {
      registry: read(path.join(dir, "instances.yml")),
      policy: read(policy ?? path.join(dir, "policy.yml")),
    };
  }
  return { registry: read(where), policy: read(policy ?? DEFAULT_POLICY) };
}

export function diffCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      policy: { type: "string" },
      "old-policy": { type: "string" },
      "new-policy": { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (positionals.length !== 2) {
    io.stderr(
      "usage: sysadmin-pipe diff OLD NEW  (registry files, or folders with instances.yml and policy.yml)\n",
    );
    return 2;
  }
  try {
    const [oldSide, newSide] = [
      side(positionals[0]!, values["old-policy"] ?? values.policy),
      side(positionals[1]!, values["new-policy"] ?? values.policy),
    ].map((files) => validateConfig(files));
    const problems = [...oldSide!.problems, ...newSide!.problems];
    if (!oldSide!.config || !newSide!.config) {
      io.stderr(`The files have problems:\n${formatProblems(problems)}\n`);
      return 1;
    }
    const diff = diffConfigs(oldSide!.config, newSide!.config);
    io.stdout(values.json ? `${JSON.stringify(diff)}\n` : `${renderDiff(diff)}\n`);
    return 0;
  } catch (error) {
    io.stderr(`cannot read: ${(error as Error).message}\n`);
    return 2;
  }
}

// `sysadmin-pipe board setup|check`: prepare a project for the app, or report drift.
import { Octokit } from "@octokit/rest";
import { parseArgs } from "node:util";
import { applyDrift, boardDrift, describeDrift, wantedFields } from "../board/setup.js";
import { explainBoardError, readProject } from "../github/board.js";
import { BoardSchema, type BoardConfig } from "../registry/policy.js";
import type { TriageConfig } from "../config.js";

export interface BoardIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function boardCommand(
  args: string[],
  config: TriageConfig,
  io: BoardIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      owner: { type: "string" },
      number: { type: "string" },
      "dry-run": { type: "boolean" },
      registry: { type: "string" },
      policy: { type: "string" },
    },
  });
  const action = positionals[0];
  if (action !== "setup" && action !== "check") {
    io.stderr("usage: sysadmin-pipe board setup|check [--owner ORG] [--number N] [--dry-run]\n");
    return 2;
  }
  const configured = config.policy.board;
  const owner = values.owner ?? configured?.owner;
  const number = Number(values.number ?? configured?.number ?? NaN);
  if (!owner || !Number.isInteger(number) || number <= 0) {
    io.stderr(
      "Say which project: --owner ORG --number N (or set board.owner and board.number in the policy).\n",
    );
    return 2;
  }
  const token = io.env.GITHUB_TOKEN;
  if (!token) {
    io.stderr("Set GITHUB_TOKEN to a token that can read and write the organisation's projects.\n");
    return 2;
  }
  const board: BoardConfig = { ...(configured ?? BoardSchema.parse({ owner })), owner, number };
  const github = new Octokit({ auth: token, baseUrl: io.env.GITHUB_API_URL || undefined });
  try {
    const project = await readProject(github, owner, number);
    const drift = boardDrift(project.fields, wantedFields(board, config.registry));
    const name = `project ${number} of ${owner} ("${project.title}")`;
    if (!drift.length) {
      io.stdout(`${name} matches the configuration.\n`);
      return 0;
    }
    if (action === "check") {
      io.stdout(
        `${name} differs from the configuration:\n${drift.map((d) => `- ${describeDrift(d)}`).join("\n")}\n`,
      );
      io.stdout("Run `sysadmin-pipe board setup` to create what is missing.\n");
      return 1;
    }
    const lines = await applyDrift(github, project.id, drift, values["dry-run"] ?? false);
    io.stdout(`${name}:\n${lines.map((l) => `- ${l}`).join("\n")}\n`);
    return lines.some((l) => l.startsWith("cannot fix")) ? 1 : 0;
  } catch (error) {
    io.stderr(`board ${action} failed: ${explainBoardError(error, board)}\n`);
    return 1;
  }
}

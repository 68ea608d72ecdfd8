// `sysadmin-pipe board setup|check`: prepare a project for the app, or report drift.
import { boardDrift, describeDrift, wantedFields } from "../board/setup.js";
import { Executor } from "../github/executor.js";
import { labelStyle } from "../triage/label-names.js";
import { terminalText } from "../markup/inert.js";
import { gitHubClient } from "../github/client.js";
import { explainBoardError, readProject } from "../github/board-api.js";
import { BoardSchema, type BoardConfig } from "../registry/policy.js";
import { UsageError, type Context } from "./command.js";
import { cliOctokit } from "./token-client.js";

type BoardValues = { owner?: string; number?: string; "dry-run"?: boolean };

/** The project: the flags, else the policy's board. */
function boardOf(
  values: BoardValues,
  configured: BoardConfig | undefined,
): BoardConfig & { number: number } {
  const owner = values.owner ?? configured?.owner;
  const number = Number(values.number ?? configured?.number ?? NaN);
  if (!owner || !Number.isInteger(number) || number <= 0) {
    throw new UsageError(
      "Say which project: --owner ORG --number N (or set board.owner and board.number in the policy)",
    );
  }
  return { ...(configured ?? BoardSchema.parse({ owner })), owner, number };
}

export async function boardCommand(
  action: "setup" | "check",
  { values, io, config: loadConfig }: Context<BoardValues>,
): Promise<number> {
  const config = loadConfig();
  const board = boardOf(values, config.policy.board);
  const { owner, number } = board;
  const token = io.env.GITHUB_TOKEN;
  if (!token) {
    io.stderr("Set GITHUB_TOKEN to a token that can read and write the organisation's projects.\n");
    return 2;
  }
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const github = gitHubClient(cliOctokit(token, io), { log });
  try {
    const project = await readProject(github, owner, number);
    const drift = boardDrift(project.fields, wantedFields(board, config.registry));
    const name = `project ${number} of ${owner} ("${terminalText(project.title, 100)}")`;
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
    const act = new Executor(github, undefined, {
      dryRun: values["dry-run"] ?? false,
      log,
      labelStyle: (l) => labelStyle(l, config.policy),
    });
    const lines = await act.boardFields(project.id, drift);
    io.stdout(`${name}:\n${lines.map((l) => `- ${l}`).join("\n")}\n`);
    return lines.some((l) => l.startsWith("cannot fix")) ? 1 : 0;
  } catch (error) {
    io.stderr(`board ${action} failed: ${explainBoardError(error, board)}\n`);
    return 1;
  }
}

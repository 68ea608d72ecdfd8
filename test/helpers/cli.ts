// Running the command line in-process, as a person's shell would: arguments, standard input and
// environment in; exit code, standard output and standard error out.
import { main, type Io } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: () => options.stdin ?? "",
    env: options.env,
  };
  const code = await main(args, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

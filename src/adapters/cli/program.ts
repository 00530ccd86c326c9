import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { ColonyError } from "../../domain/errors.js";
import { addDemoCommand } from "./demo/demo-command.js";
import { addDiffCommand } from "./diff-command.js";
import { addEventsCommand } from "./events-command.js";
import { addExportCommand } from "./export-command.js";
import { addForkCommand } from "./fork-command.js";
import { addImportCommand } from "./import-command.js";
import { addInspectCommand } from "./inspect-command.js";
import { type CliIo, InterruptedError, OutputClosedError, say } from "./io.js";
import { addProjectionsCommand } from "./projections-command.js";
import { addReplayCommand } from "./replay-command.js";
import { addServeCommand } from "./serve-command.js";
import { addTasksCommand } from "./tasks-command.js";
import { addWorkerCommand } from "./worker-command.js";

export type { CliIo } from "./io.js";

function packageVersion(): string {
  try {
    // src/adapters/cli and dist/adapters/cli both sit three folders below package.json.
    return (createRequire(import.meta.url)("../../../package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The `colony` command line: one verb per file, wired here. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("colony")
    .description("colonylog: one append-only event log for LLM agent colonies")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHelpWidth: () => io.columns ?? 100,
      getErrHelpWidth: () => 100,
    })
    .addHelpText("after", "\nExample:\n  colony demo && colony events --db .colony/demo.db\n");
  addEventsCommand(program, io);
  addExportCommand(program, io);
  addImportCommand(program, io);
  addDemoCommand(program, io);
  addProjectionsCommand(program, io);
  addInspectCommand(program, io);
  addTasksCommand(program, io);
  addReplayCommand(program, io);
  addServeCommand(program, io, packageVersion());
  addWorkerCommand(program, io);
  addForkCommand(program, io);
  addDiffCommand(program, io);
  return program;
}

/** Runs the CLI on `argv` (the arguments after the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  // Commander has already printed its own message (or the help) to our stderr / stdout.
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof OutputClosedError) return 0;
  if (error instanceof InterruptedError) {
    say(io.stderr, error.message);
    return 130;
  }
  if (error instanceof ColonyError) {
    say(io.stderr, `error: ${error.message} [${error.code}]`);
    return 1;
  }
  say(io.stderr, `error: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.COLONY_DEBUG && error instanceof Error && error.stack) say(io.stderr, error.stack);
  return 1;
}

/** Runs the CLI as this process: SIGINT / SIGTERM end `--follow` cleanly, a closed pipe ends quietly. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") say(process.stderr, `error: stdout: ${error.message}`);
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.stdout.on("error", onStdoutError);
  try {
    process.exitCode = await runCli(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      columns: process.stdout.isTTY ? process.stdout.columns : undefined,
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

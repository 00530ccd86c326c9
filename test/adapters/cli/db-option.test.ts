import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../../src/adapters/cli/program.js";
import { Capture, cli } from "./helpers.js";

function commands(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => [
    { path: [...path, sub.name()], command: sub },
    ...commands(sub, [...path, sub.name()]),
  ]);
}

const program = buildProgram({ stdout: new Capture(), stderr: new Capture() });
const withDb = commands(program).filter(({ command }) => command.options.some((o) => o.long === "--db"));

describe("--db", () => {
  it("every verb that opens a log takes it", () => {
    expect(withDb.map(({ path }) => path.join(" "))).toEqual([
      "events",
      "export",
      "import",
      "demo",
      "projections status",
      "projections rebuild",
      "inspect conversation",
      "inspect colony",
      "inspect session",
      "inspect worker",
      "inspect task",
      "tasks seed",
      "tasks list",
      "replay",
      "serve",
      "worker",
      "fork",
      "diff",
    ]);
  });

  // demo words its own: it writes (and recreates) its log there.
  it.each(withDb.filter(({ path }) => path[0] !== "demo").map(({ path }) => [path.join(" ")]))(
    "colony %s --help: a SQLite file or a postgres:// URL",
    async (verb) => {
      const run = await cli([...verb.split(" "), "--help"], { columns: 200 });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /\n {2}--db <file\|url> +the SQLite file or postgres:\/\/ URL of the log (\([^)]*\) )?\(default: "\.colony\/colony\.db"\)\n/,
      );
    },
  );
});

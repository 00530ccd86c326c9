import { existsSync, rmSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { Command } from "commander";
import { ColonyError } from "../../../domain/errors.js";
import { providerFromEnv } from "../../llm/provider-from-env.js";
import { type CliIo, writeChunk } from "../io.js";
import { demoModel } from "./demo-model.js";
import { demoReport } from "./demo-report.js";
import { DEMO_QUEEN_ID, runDemoScenario } from "./demo-scenario.js";

export const DEFAULT_DEMO_DB = ".colony/demo.db";
/** The texts the demo's workers read: shipped in the repository, four folders above this module (src or dist). */
const TEXTS = fileURLToPath(new URL("../../../../examples/texts", import.meta.url));

export function addDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description("a colony at work: a queen, a colony over the shipped texts, four workers, a delegation, a replay")
    .option("--db <file>", "where to write the demo's log (recreated on each run, left behind)", DEFAULT_DEMO_DB)
    .addHelpText(
      "after",
      `
Runs on the scripted model (no key, no network) unless COLONY_MODEL names a real one
(openai:MODEL with OPENAI_API_KEY / OPENAI_BASE_URL, or anthropic:MODEL with ANTHROPIC_API_KEY).
It refuses to delete a file that is not a log an earlier demo wrote.

Example:
  colony demo --db /tmp/demo.db && colony events --db /tmp/demo.db
`,
    )
    .action(async (options: { db: string }) => {
      const model = providerFromEnv(process.env, { scripted: () => demoModel() }) ?? demoModel();
      removeDemoLog(options.db);
      const started = performance.now();
      const run = await runDemoScenario(resolve(options.db), model, TEXTS);
      const seconds = (performance.now() - started) / 1000;
      await writeChunk(io.stdout, `${await demoReport(options.db, run, { model: model.name, seconds })}\n`);
    });
}

/** The demo only ever deletes an empty file or a log whose first event is a demo session's. */
function removeDemoLog(path: string): void {
  if (existsSync(path) && statSync(path).size > 0) {
    let first: { type: string; data: string } | undefined;
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        first = db.prepare("SELECT type, data FROM events ORDER BY position LIMIT 1").get() as typeof first;
      } finally {
        db.close();
      }
    } catch {
      first = undefined;
    }
    const isDemo =
      first?.type === "SessionStarted" && (JSON.parse(first.data) as { queenId?: string }).queenId === DEMO_QUEEN_ID;
    if (!isDemo) {
      throw new ColonyError(
        "refused",
        `${path} is not a log the demo wrote; refusing to delete it (pick another --db)`,
        {
          path,
        },
      );
    }
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
}

import { existsSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { Command } from "commander";
import { ColonyError } from "../../../domain/errors.js";
import { providerFromEnv } from "../../llm/provider-from-env.js";
import { openColonyStore } from "../../open-colony-store.js";
import { dropColonyTables } from "../../postgres/drop-colony-tables.js";
import { PostgresEventStore } from "../../postgres/postgres-event-store.js";
import { describeLocation, parseStoreLocation, type StoreLocation } from "../../store-location.js";
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
    .option(
      "--db <file|url>",
      "where to write the demo's log, a SQLite file or a postgres:// URL (recreated on each run, left behind)",
      DEFAULT_DEMO_DB,
    )
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
      const location = parseStoreLocation(options.db);
      await removeDemoLog(location);
      const started = performance.now();
      const run = await runDemoScenario(location, model, TEXTS);
      const seconds = (performance.now() - started) / 1000;
      const db = await openColonyStore(location, { mustExist: true });
      try {
        const report = await demoReport(db, describeLocation(location), run, { model: model.name, seconds });
        await writeChunk(io.stdout, `${report}\n`);
      } finally {
        await db.close();
      }
    });
}

/** The demo only ever removes an empty log or one whose first event is a demo session's. */
async function removeDemoLog(location: StoreLocation): Promise<void> {
  const first = await firstEvent(location);
  const isDemo =
    first === undefined ||
    (first !== null &&
      first.type === "SessionStarted" &&
      (first.data as { queenId?: unknown }).queenId === DEMO_QUEEN_ID);
  if (!isDemo) {
    const shown = describeLocation(location);
    throw new ColonyError(
      "refused",
      `${shown} is not a log the demo wrote; refusing to delete it (pick another --db)`,
      {
        path: shown,
      },
    );
  }
  if (location.kind === "postgres") return dropColonyTables(location.url);
  for (const file of [location.file, `${location.file}-wal`, `${location.file}-shm`]) rmSync(file, { force: true });
}

/**
 * The log's first event; undefined for an empty log or none at all; null for something that is
 * not a log (a SQLite file of another program), which the demo must not delete either.
 */
async function firstEvent(location: StoreLocation): Promise<{ type: string; data: unknown } | null | undefined> {
  if (location.kind === "postgres") {
    const store = await PostgresEventStore.open(location.url);
    try {
      for await (const event of store.readAll({ limit: 1 })) return event;
      return undefined;
    } finally {
      await store.close();
    }
  }
  if (!existsSync(location.file) || statSync(location.file).size === 0) return undefined;
  try {
    const db = new Database(location.file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT type, data FROM events ORDER BY position LIMIT 1").get() as
        | { type: string; data: string }
        | undefined;
      return row && { type: row.type, data: JSON.parse(row.data) as unknown };
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

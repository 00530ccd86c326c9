import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll } from "vitest";
import { openColonyDatabase } from "../../src/adapters/sqlite/open-colony-database.js";
import { SqliteEventStore } from "../../src/adapters/sqlite/sqlite-event-store.js";
import { SqliteProjectionStore } from "../../src/adapters/sqlite/sqlite-projection-store.js";
import { describeProjectionStoreConformance, type ProjectionDatabase } from "../conformance/projection-store.js";

const dir = mkdtempSync(join(tmpdir(), "colonylog-projections-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = new WeakMap<ProjectionDatabase, string>();
let counter = 0;

async function openAt(file: string, options: Parameters<typeof openColonyDatabase>[1]): Promise<ProjectionDatabase> {
  const db = await openColonyDatabase(file, options);
  files.set(db, file);
  return db;
}

function fileOf(db: ProjectionDatabase): string {
  const file = files.get(db);
  if (!file) throw new Error("not a database this harness opened");
  return file;
}

describeProjectionStoreConformance("SQLite file, read models beside the log", {
  fresh: (options) => openAt(join(dir, `colony-${++counter}.db`), options),
  reopen: (db, options) => openAt(fileOf(db), options),
  otherWriter: async (db, options) => SqliteEventStore.open(fileOf(db), options),
  otherStore: async (db, projections) => new SqliteProjectionStore(new Database(fileOf(db)), projections),
});

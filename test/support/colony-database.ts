import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import {
  type ColonyDatabaseOptions,
  openColonyDatabase,
  type SqliteColonyDatabase,
} from "../../src/adapters/sqlite/open-colony-database.js";

/**
 * A colony database on a real SQLite file, in a temp dir removed after the test. Call from a
 * test file's top level; each call of the returned function opens a new database.
 */
export function colonyDatabases(): (
  options?: ColonyDatabaseOptions,
) => Promise<SqliteColonyDatabase & { file: string }> {
  const opened: { db: SqliteColonyDatabase; dir: string }[] = [];
  afterEach(async () => {
    for (const { db, dir } of opened.splice(0)) {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return async (options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "colonylog-db-"));
    const file = join(dir, "colony.db");
    const db = await openColonyDatabase(file, { warn: () => {}, ...options });
    opened.push({ db, dir });
    return Object.assign(db, { file });
  };
}

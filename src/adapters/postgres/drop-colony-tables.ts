import pg from "pg";
import { allProjections } from "../../projections/read-models.js";
import { LOG_TABLES } from "./log-schema.js";
import { CHECKPOINTS } from "./postgres-projection-store.js";

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Removes a colony database from a PostgreSQL database: the log, every read model and the
 * checkpoints, in one transaction, leaving any other table alone. Only for a caller that has
 * made sure the log is its own to remove (the demo recreates the log it wrote earlier).
 */
export async function dropColonyTables(url: string): Promise<void> {
  const tables = [...LOG_TABLES, CHECKPOINTS, ...allProjections.flatMap((p) => p.tables)];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`BEGIN; DROP TABLE IF EXISTS ${tables.map(quote).join(", ")} CASCADE; COMMIT`);
  } finally {
    await client.end();
  }
}

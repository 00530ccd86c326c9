import { afterEach } from "vitest";
import {
  openPostgresColonyDatabase,
  type PostgresColonyDatabaseOptions,
} from "../../../src/adapters/postgres/open-postgres-colony-database.js";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import { readModelPool } from "../../../src/adapters/postgres/postgres-projection-read-models.js";
import { PostgresProjectionStore } from "../../../src/adapters/postgres/postgres-projection-store.js";
import { describeProjectionStoreConformance, type ProjectionDatabase } from "../../conformance/projection-store.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";

const databases = new WeakMap<ProjectionDatabase, PostgresDatabase>();
const created: PostgresDatabase[] = [];
afterEach(async () => {
  // After the suite's own afterEach has closed every connection to them.
  for (const database of created.splice(0)) await database.drop();
});

const quick: PostgresColonyDatabaseOptions = { pollIntervalMs: 20, pageSize: 64, maxConnections: 4 };

async function openOn(database: PostgresDatabase, options: PostgresColonyDatabaseOptions) {
  const db = await openPostgresColonyDatabase(database.url, { ...quick, ...options });
  databases.set(db, database);
  return db;
}

function databaseOf(db: ProjectionDatabase): PostgresDatabase {
  const database = databases.get(db);
  if (!database) throw new Error("not a database this harness opened");
  return database;
}

describePostgres("PostgreSQL projection store", () => {
  describeProjectionStoreConformance("PostgreSQL, read models beside the log", {
    async fresh(options) {
      const database = await freshPostgresDatabase();
      created.push(database);
      return openOn(database, options);
    },
    reopen: (db, options) => openOn(databaseOf(db), options),
    otherWriter: (db, options) => PostgresEventStore.open(databaseOf(db).url, { ...quick, ...options }),
    async otherStore(db, projections) {
      const pool = readModelPool({ connectionString: databaseOf(db).url, max: 2 });
      return new PostgresProjectionStore(pool, projections, { ownsPool: true });
    },
  });
});

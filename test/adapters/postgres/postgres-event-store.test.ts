import { afterAll } from "vitest";
import {
  openPostgresEventStore,
  type PostgresEventStore,
} from "../../../src/adapters/postgres/postgres-event-store.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import { describeEventStoreConformance } from "../../conformance/event-store.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";

const databases: PostgresDatabase[] = [];
const urls = new WeakMap<EventStore, string>();
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

const open = async (url: string, options: Parameters<typeof openPostgresEventStore>[1]) => {
  const store: PostgresEventStore = await openPostgresEventStore(url, { ...options, pollIntervalMs: 50, pageSize: 64 });
  urls.set(store, url);
  return store;
};

describePostgres("PostgreSQL event store", () => {
  describeEventStoreConformance("PostgreSQL", {
    async fresh(options) {
      const database = await freshPostgresDatabase();
      databases.push(database);
      return open(database.url, options);
    },
    async reopen(store, options) {
      const url = urls.get(store);
      if (!url) throw new Error("not a store this harness opened");
      return open(url, options);
    },
  });
});

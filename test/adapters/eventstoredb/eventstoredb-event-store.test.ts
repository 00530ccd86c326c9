import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { EventStoreDbEventStore } from "../../../src/adapters/eventstoredb/eventstoredb-event-store.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import { describeEventStoreConformance } from "../../conformance/event-store.js";

/**
 * The shared conformance suite against a real EventStoreDB / KurrentDB server, when
 * `EVENTSTORE_CONNECTION_STRING` names one (docs/eventstoredb.md says how to start one). Each
 * log is a fresh namespace on that server, so runs never see each other's events.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING || undefined;
const skipReason =
  "no EventStoreDB/KurrentDB server: set EVENTSTORE_CONNECTION_STRING, e.g. esdb://localhost:2113?tls=false (docs/eventstoredb.md)";

function describeEventStoreDb(name: string, body: () => void): void {
  if (connectionString) describe(name, body);
  else describe.skip(`${name} (skipped: ${skipReason})`, body);
}

const namespaces = new WeakMap<EventStore, string>();

describeEventStoreDb("EventStoreDB adapter against the server at EVENTSTORE_CONNECTION_STRING", () => {
  const open = (namespace: string, options: Parameters<typeof EventStoreDbEventStore.connect>[1] = {}) => {
    const store = EventStoreDbEventStore.connect(connectionString as string, { ...options, namespace, pageSize: 64 });
    namespaces.set(store, namespace);
    return store;
  };
  describeEventStoreConformance("EventStoreDB", {
    eventIdScope: "stream",
    async fresh(options) {
      return open(`t${randomBytes(6).toString("hex")}`, options);
    },
    async reopen(store, options) {
      const namespace = namespaces.get(store);
      if (!namespace) throw new Error("not a store this harness opened");
      return open(namespace, options);
    },
  });
});

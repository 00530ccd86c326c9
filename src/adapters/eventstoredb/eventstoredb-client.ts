import type { EventStoreDBClient } from "@eventstore/db-client";

/**
 * The part of `@eventstore/db-client`'s client the EventStoreDB store uses, so a caller can hand
 * in a client it configured itself (credentials, node preference, keep-alive).
 */
export type EventStoreDbClient = Pick<
  EventStoreDBClient,
  "appendToStream" | "readStream" | "readAll" | "subscribeToAll"
>;

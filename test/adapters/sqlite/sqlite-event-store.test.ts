import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import { describeEventStoreConformance } from "../../conformance/event-store.js";
import { part } from "../../support/sample-events.js";

const dir = mkdtempSync(join(tmpdir(), "colonylog-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = new WeakMap<EventStore, string>();
let counter = 0;

describeEventStoreConformance("SQLite file on disk", {
  async fresh(options) {
    const file = join(dir, `log-${++counter}.db`);
    const store = SqliteEventStore.open(file, { ...options, pollIntervalMs: 20, pageSize: 64 });
    files.set(store, file);
    return store;
  },
  async reopen(store, options) {
    const file = files.get(store);
    if (!file) throw new Error("not a store this harness opened");
    const other = SqliteEventStore.open(file, { ...options, pollIntervalMs: 20, pageSize: 64 });
    files.set(other, file);
    return other;
  },
});

describe("SQLite event store specifics", () => {
  it("keeps the log in a WAL-mode file with the configured synchronous level", async () => {
    const file = join(dir, "pragmas", "nested", "log.db");
    const store = SqliteEventStore.open(file, { synchronous: "FULL" });
    await store.append("conversation-p", [part(0)], { expectedVersion: "no_stream" });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT count(*) FROM events").pluck().get()).toBe(1);
    db.close();
  });

  it("opens an existing log without migrating it again", async () => {
    const file = join(dir, "reopen.db");
    const first = SqliteEventStore.open(file);
    await first.append("conversation-r", [part(0)], { expectedVersion: "no_stream" });
    await first.close();
    const second = SqliteEventStore.open(file);
    expect(await second.streamVersion("conversation-r")).toBe(0n);
    await second.close();
  });
});

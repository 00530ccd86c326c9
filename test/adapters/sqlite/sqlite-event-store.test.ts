import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { LOG_SCHEMA_VERSION, migrateLog } from "../../../src/adapters/sqlite/log-schema.js";
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

describe("log schema migrations", () => {
  it("moves a version-1 log (envelope as one JSON column) to columns, keeping every event as it was", async () => {
    const file = join(dir, "schema-v1.db");
    const v1 = new Database(file);
    migrateLog(v1, 1);
    const insert = v1.prepare(
      "INSERT INTO events (stream_id, version, type, data, metadata, event_id) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const plain = {
      eventId: "0190a000-0000-7000-8000-0000000000a1",
      recordedAt: "2026-11-22T01:02:03.456Z",
      schemaVersion: 1,
    };
    const traced = {
      eventId: "0190a000-0000-7000-8000-0000000000a2",
      correlationId: "c-1",
      actor: "queen",
      recordedAt: "2026-11-22T01:02:04+02:00",
      schemaVersion: 1,
    };
    for (const [version, metadata] of [plain, traced].entries()) {
      insert.run(
        "conversation-m",
        version,
        "MessagePartAppended",
        JSON.stringify(part(version).data),
        JSON.stringify(metadata),
        metadata.eventId,
      );
    }
    v1.close();

    const store = SqliteEventStore.open(file);
    const events = [];
    for await (const event of store.readStream("conversation-m")) events.push(event);
    expect(events.map((e) => e.metadata)).toEqual([plain, traced]);
    expect(events.map((e) => e.data)).toEqual([part(0).data, part(1).data]);
    // A retry of a migrated event is still recognised by its id.
    const retried = await store.append(
      "conversation-m",
      [{ ...part(0), metadata: { eventId: plain.eventId.toUpperCase() } }],
      {
        expectedVersion: "no_stream",
      },
    );
    expect(retried.events[0]?.position).toBe(1n);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT max(version) FROM colonylog_log_schema").pluck().get()).toBe(LOG_SCHEMA_VERSION);
    expect(db.prepare("SELECT typeof(event_id) FROM events").pluck().all()).toEqual(["blob", "blob"]);
    // Canonical UTC became milliseconds; the time with an offset stayed as written.
    expect(db.prepare("SELECT recorded_at FROM events ORDER BY position").raw().all()).toEqual([
      [Date.parse(plain.recordedAt)],
      [traced.recordedAt],
    ]);
    db.close();
  });
});

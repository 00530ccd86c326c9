import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../src/adapters/sqlite/sqlite-event-store.js";
import type { RecordedEvent } from "../../src/domain/envelope.js";
import type { EventStore, ReadStreamOptions } from "../../src/domain/ports/event-store.js";
import { CachedStreamFold } from "../../src/runtime/stream-fold.js";
import { part } from "../support/sample-events.js";

const dir = mkdtempSync(join(tmpdir(), "colonylog-stream-fold-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opened: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

const STREAM = "conversation-c1";
const contents = (state: readonly string[], event: RecordedEvent): readonly string[] => [
  ...state,
  String((event.data as { content?: unknown }).content),
];

/** The store, counting the events each readStream hands out. */
function counting(store: EventStore): { store: EventStore; read: () => number; froms: bigint[] } {
  let read = 0;
  const froms: bigint[] = [];
  return {
    store: {
      ...store,
      readStream: async function* (streamId: string, options?: ReadStreamOptions) {
        froms.push(options?.from ?? 0n);
        for await (const event of store.readStream(streamId, options)) {
          read++;
          yield event;
        }
      },
    },
    read: () => read,
    froms,
  };
}

describe("CachedStreamFold", () => {
  it("folds what was appended since the last load, by this handle or another on the same log, and reads only that", async () => {
    const file = join(dir, "log.db");
    const writer = SqliteEventStore.open(file);
    const other = SqliteEventStore.open(file);
    opened.push(writer, other);
    const seen = counting(writer);
    const fold = new CachedStreamFold<readonly string[]>(seen.store, STREAM, contents, []);

    expect(await fold.load()).toEqual({ state: [], version: "no_stream" });
    await writer.append(STREAM, [part(0, "a"), part(1, "b")], { expectedVersion: "no_stream" });
    expect(await fold.load()).toEqual({ state: ["a", "b"], version: 1n });
    await other.append(STREAM, [part(2, "c")], { expectedVersion: 1n });
    expect(await fold.load()).toEqual({ state: ["a", "b", "c"], version: 2n });

    expect(seen.read()).toBe(3);
    expect(seen.froms).toEqual([0n, 0n, 2n]);
  });

  it("concurrent loads fold each event once", async () => {
    const store = SqliteEventStore.open(join(dir, "concurrent.db"));
    opened.push(store);
    await store.append(STREAM, [part(0, "a"), part(1, "b"), part(2, "c")], { expectedVersion: "no_stream" });
    const fold = new CachedStreamFold<readonly string[]>(store, STREAM, contents, []);
    const loads = await Promise.all([fold.load(), fold.load(), fold.load()]);
    for (const loaded of loads) expect(loaded).toEqual({ state: ["a", "b", "c"], version: 2n });
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  catchUpProjections,
  type RebuildOptions,
  readStoredCheckpoints,
  rebuildProjections,
} from "../../../src/adapters/sqlite/projection-maintenance.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { hashProjectionTables, type TableHash } from "../../../src/adapters/sqlite/table-hash.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { ColonyStory, eventCount, seededDraw } from "../../projections/runner/colony-story.js";

const IN_THREAD: RebuildOptions = { offThreadFrom: Number.POSITIVE_INFINITY, warn: () => {} };
const IN_WORKER: RebuildOptions = { offThreadFrom: 0, batchSize: 97, warn: () => {} };

let dir: string;
let store: SqliteEventStore;
let head: bigint;
/** Every read model folded on this thread from the whole log: what the worker's folds must equal. */
let expected: TableHash[];

const hashes = () => hashProjectionTables(store.database, allProjections);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "colonylog-fold-worker-"));
  store = SqliteEventStore.open(join(dir, "colony.db"));
  const story = new ColonyStory(seededDraw(7));
  for (let written = 0; written < 3_000; ) {
    const appends = story.appends(200);
    await store.appendMany(appends);
    written += eventCount(appends);
  }
  // An event type this colonylog does not know, as a newer version might have written it.
  store.database
    .prepare(
      `INSERT INTO events (stream_id, version, type, data, event_id, recorded_at, schema_version)
       VALUES ('future-1', 0, 'FutureThingHappened', '{}', randomblob(16), 0, 1)`,
    )
    .run();
  await store.appendMany(story.appends(50));
  head = await store.headPosition();
  await rebuildProjections(store, store.database, allProjections, IN_THREAD);
  expected = hashes();
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a fold in a worker thread", () => {
  it("rebuilds the same rows as a fold on this thread, and warns once of an unknown type", async () => {
    const warnings: string[] = [];
    const batches: bigint[] = [];
    const reached = await rebuildProjections(store, store.database, allProjections, {
      ...IN_WORKER,
      warn: (message) => warnings.push(message),
      onProgress: ({ position }) => batches.push(position),
    });
    expect(reached).toBe(head);
    expect(hashes()).toEqual(expected);
    expect(warnings).toEqual([expect.stringContaining("unknown type FutureThingHappened")]);
    // Batches of 97 positions, each committed before the next was reported.
    expect(batches.length).toBe(Math.ceil(Number(head) / 97));
    expect(batches.at(-1)).toBe(head);
  });

  it("takes each projection on from its own checkpoint, and stops at --to", async () => {
    const [workers, ...others] = allProjections;
    if (!workers) throw new Error("no projections");
    const middle = head / 3n;
    await rebuildProjections(store, store.database, others, { ...IN_THREAD, to: middle });
    await rebuildProjections(store, store.database, [workers], { ...IN_THREAD, to: 2n * middle });

    expect(await catchUpProjections(store, store.database, allProjections, { ...IN_WORKER, to: head - 10n })).toBe(
      head - 10n,
    );
    for (const checkpoint of readStoredCheckpoints(store.database).values())
      expect(checkpoint.position).toBe(head - 10n);
    await catchUpProjections(store, store.database, allProjections, IN_WORKER);
    expect(hashes()).toEqual(expected);
  });

  it("stops at a committed batch when progress throws, and a later catch-up finishes the job", async () => {
    const interrupted = new Error("interrupted");
    let batches = 0;
    await expect(
      rebuildProjections(store, store.database, allProjections, {
        ...IN_WORKER,
        onProgress: () => {
          if (++batches === 3) throw interrupted;
        },
      }),
    ).rejects.toBe(interrupted);
    for (const checkpoint of readStoredCheckpoints(store.database).values()) expect(checkpoint.position).toBe(3n * 97n);

    await catchUpProjections(store, store.database, allProjections, IN_WORKER);
    expect(hashes()).toEqual(expected);
  });

  it("reports what failed in the worker, and commits nothing of the batch it failed in", async () => {
    const copy = join(dir, "broken.db");
    await store.database.backup(copy);
    const broken = SqliteEventStore.open(copy);
    try {
      broken.database.prepare("UPDATE events SET data = '{not json' WHERE position = 500").run();
      await expect(rebuildProjections(broken, broken.database, allProjections, IN_WORKER)).rejects.toThrow(/JSON/);
      // Batches sent before the failure may or may not have been applied when it is heard of;
      // the one that failed (positions 486..582) is not, and every projection stops at a boundary.
      const positions = [...readStoredCheckpoints(broken.database).values()].map((c) => c.position);
      for (const position of positions) {
        expect(position).toBeLessThanOrEqual(5n * 97n);
        expect(position % 97n).toBe(0n);
      }
    } finally {
      await broken.close();
    }
  });
});

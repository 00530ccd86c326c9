import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openColonyDatabase, type SqliteColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { projectAt } from "../../../src/adapters/sqlite/project-at.js";
import { rebuildProjections } from "../../../src/adapters/sqlite/projection-maintenance.js";
import { hashProjectionTables, type TableHash } from "../../../src/adapters/sqlite/table-hash.js";
import type { StreamAppend } from "../../../src/domain/ports/event-store.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { ColonyStory, tapeDraw } from "./colony-story.js";

const quiet = { warn: () => {} };

/** A story's appends cut into chunks of the given sizes (cycling through them). */
function chunked(appends: readonly StreamAppend[], sizes: readonly number[]): StreamAppend[][] {
  const chunks: StreamAppend[][] = [];
  for (let i = 0, k = 0; i < appends.length; k++) {
    const size = sizes[k % sizes.length] ?? 1;
    chunks.push(appends.slice(i, i + size));
    i += size;
  }
  return chunks;
}

async function hashesAt(db: SqliteColonyDatabase, position: bigint): Promise<TableHash[]> {
  const then = await projectAt(db.events, position, quiet);
  try {
    return hashProjectionTables(then.database, allProjections);
  } finally {
    await then.close();
  }
}

const story = fc.record({
  tape: fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 600 }),
  appends: fc.integer({ min: 0, max: 80 }),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 5 }),
  batchSize: fc.integer({ min: 1, max: 9 }),
  /** Where each chunk's catch-up stops, as a fraction of the way from the checkpoint to the head. */
  stops: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
});

describe("read models built incrementally equal a rebuild", () => {
  it(`at every checkpoint, for random valid stories over ${allProjections.map((p) => p.name).join(", ")}`, async () => {
    await fc.assert(
      fc.asyncProperty(story, async ({ tape, appends, chunkSizes, batchSize, stops }) => {
        const db = await openColonyDatabase(":memory:", { ...quiet, batchSize });
        try {
          // Append chunk by chunk; after each, catch up part of the way (or all of it), and
          // remember what the read models held at that checkpoint.
          const seen: { position: bigint; hashes: TableHash[] }[] = [];
          const chunks = chunked(new ColonyStory(tapeDraw(tape)).appends(appends), chunkSizes);
          for (const [k, chunk] of chunks.entries()) {
            await db.events.appendMany(chunk);
            const head = await db.events.headPosition();
            const [status] = await db.projections.status();
            const from = status?.checkpoint ?? 0n;
            const stop = stops[k % stops.length] ?? 1;
            const to = from + BigInt(Math.round(Number(head - from) * stop));
            const position = await db.runner.catchUp({ to });
            seen.push({ position, hashes: hashProjectionTables(db.events.database, allProjections) });
          }
          const head = await db.events.headPosition();
          expect(await db.runner.catchUp()).toBe(head);
          const incremental = hashProjectionTables(db.events.database, allProjections);

          // One fold of the whole log, in memory, in batches of 1000.
          expect(await hashesAt(db, head)).toEqual(incremental);
          // Time travel: each intermediate state equals the log folded up to its checkpoint.
          for (const { position, hashes } of seen) expect(await hashesAt(db, position)).toEqual(hashes);
          // The rebuild verb's path, in place.
          await rebuildProjections(db.events, db.events.database, allProjections, quiet);
          expect(hashProjectionTables(db.events.database, allProjections)).toEqual(incremental);
        } finally {
          await db.close();
        }
      }),
      { numRuns: 50 },
    );
  });

  it("inside the append transaction (inline), for random valid stories", async () => {
    await fc.assert(
      fc.asyncProperty(story, async ({ tape, appends, chunkSizes }) => {
        const db = await openColonyDatabase(":memory:", { ...quiet, inline: allProjections.map((p) => p.name) });
        try {
          for (const chunk of chunked(new ColonyStory(tapeDraw(tape)).appends(appends), chunkSizes)) {
            await db.events.appendMany(chunk);
          }
          const head = await db.events.headPosition();
          for (const status of await db.inlineProjections.status()) expect(status.checkpoint).toBe(head);
          expect(await hashesAt(db, head)).toEqual(hashProjectionTables(db.events.database, allProjections));
        } finally {
          await db.close();
        }
      }),
      { numRuns: 50 },
    );
  });
});

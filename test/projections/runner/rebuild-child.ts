// Run by resume-after-kill.test.ts in its own process: rebuilds every projection of a SQLite log
// in small batches, printing one JSON line per committed batch, so the parent can kill it midway.
import { rebuildProjections } from "../../../src/adapters/sqlite/projection-maintenance.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { allProjections } from "../../../src/projections/read-models.js";

const [file, batchSize = "100"] = process.argv.slice(2);
if (!file) throw new Error("usage: rebuild-child.ts FILE [BATCH_SIZE]");
const store = SqliteEventStore.open(file);
const started = performance.now();
const reached = await rebuildProjections(store, store.database, allProjections, {
  batchSize: Number(batchSize),
  warn: () => {},
  onProgress: ({ events, position, target }) => {
    process.stdout.write(`${JSON.stringify({ events, position: Number(position), target: Number(target) })}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ done: Number(reached), ms: Math.round(performance.now() - started) })}\n`);
await store.close();

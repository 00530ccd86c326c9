/**
 * Child process for multi-process.test.ts: opens the shared SQLite file, says "ready", waits for
 * "go" on stdin (so every child starts appending at once), then appends `count` StepStarted
 * events to one stream, one event per append, with an optimistic expected-version retry loop.
 * Prints one JSON line: the event ids it wrote, in order, with the versions the store gave them.
 *
 * Usage: node --import tsx append-contended.ts <file> <workerId> <count> <streamId>
 */
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { SqliteEventStore } from "../../../../src/adapters/sqlite/sqlite-event-store.js";
import { UuidV7Generator } from "../../../../src/adapters/system/uuid-v7.js";
import { ColonyError } from "../../../../src/domain/errors.js";

const [file, workerId, countArg, streamId] = process.argv.slice(2);
if (!file || !workerId || !countArg || !streamId) throw new Error("usage: <file> <workerId> <count> <streamId>");
const count = Number(countArg);

const store = SqliteEventStore.open(file);
const ids = new UuidV7Generator();

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => {
  lines.on("line", (line) => {
    if (line.trim() === "go") resolve();
  });
});
process.stdout.write("ready\n");
await go;
lines.close();

const written: { eventId: string; version: string; position: string }[] = [];
let conflicts = 0;
for (let stepSeq = 0; stepSeq < count; stepSeq++) {
  const eventId = ids.uuid();
  for (;;) {
    const current = await store.streamVersion(streamId);
    const expectedVersion = current === "no_stream" ? "no_stream" : current;
    // "Decide" between reading and writing, as a real command handler does: this widens the
    // window in which another process can append first, so conflicts actually happen.
    await sleep(Math.random() < 0.5 ? 0 : 1);
    try {
      const result = await store.append(
        streamId,
        [{ type: "StepStarted", data: { stepSeq, workerId }, metadata: { eventId } }],
        { expectedVersion },
      );
      const [event] = result.events;
      if (!event || event.metadata.eventId !== eventId) throw new Error(`append returned ${JSON.stringify(result)}`);
      written.push({ eventId, version: String(event.version), position: String(event.position) });
      break;
    } catch (error) {
      if (error instanceof ColonyError && error.code === "version_conflict") {
        conflicts++;
        continue;
      }
      throw error;
    }
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ workerId, conflicts, written })}\n`);

/**
 * Child process for postgres-multi-process.test.ts: opens (and migrates) the log at `url`, says
 * "ready", waits for "go" on stdin (so every child starts at once), then appends `count`
 * StepStarted events, one per append, round-robin over the streams, each with the version it
 * read as the expected version; on VersionConflictError it reads again and retries. Prints one
 * JSON line: what it wrote (with the versions and positions the store gave) and the conflicts.
 *
 * Usage: node --import tsx append-contended.ts <url> <workerId> <count> <streamId>...
 */
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { PostgresEventStore } from "../../../../src/adapters/postgres/postgres-event-store.js";
import { UuidV7Generator } from "../../../../src/adapters/system/uuid-v7.js";
import { VersionConflictError } from "../../../../src/domain/errors.js";

const [url, workerId, countArg, ...streams] = process.argv.slice(2);
if (!url || !workerId || !countArg || streams.length === 0) {
  throw new Error("usage: <url> <workerId> <count> <streamId>...");
}
const count = Number(countArg);

const store = await PostgresEventStore.open(url);
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

const written: { eventId: string; streamId: string; version: string; position: string }[] = [];
const conflicts: { streamId: string; expected: string; actual: string }[] = [];
for (let stepSeq = 0; stepSeq < count; stepSeq++) {
  const streamId = streams[stepSeq % streams.length] as string;
  const eventId = ids.uuid();
  for (;;) {
    const expectedVersion = await store.streamVersion(streamId);
    // "Decide" between reading and writing, as a command handler does: other processes get
    // the time to append first, so conflicts really happen.
    await sleep(Math.random() < 0.5 ? 0 : 1);
    try {
      const result = await store.append(
        streamId,
        [{ type: "StepStarted", data: { stepSeq, workerId }, metadata: { eventId } }],
        { expectedVersion },
      );
      const [event] = result.events;
      if (!event || event.metadata.eventId !== eventId) throw new Error(`append returned ${JSON.stringify(result)}`);
      written.push({ eventId, streamId, version: String(event.version), position: String(event.position) });
      break;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      conflicts.push({ streamId, expected: String(error.expected), actual: String(error.actual) });
    }
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ workerId, conflicts, written })}\n`);

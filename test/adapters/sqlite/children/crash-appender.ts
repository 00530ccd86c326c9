/**
 * Child process for crash.test.ts: appends whole batches until it is killed. Each batch is ONE
 * appendMany of <batchSize> StepCompleted events across two streams (the first half to
 * task-crash-a, the rest to task-crash-b); every event names its batch in `workerId`
 * (`r<run>.b<batch>`) and its index in the batch in `stepSeq`, so the parent can tell whole
 * batches from torn ones. Prints "running" once the first batch has committed.
 *
 * Usage: node --import tsx crash-appender.ts <file> <run> <batchSize>
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { SqliteEventStore } from "../../../../src/adapters/sqlite/sqlite-event-store.js";

const [file, run, batchSizeArg] = process.argv.slice(2);
if (!file || !run || !batchSizeArg) throw new Error("usage: <file> <run> <batchSize>");
const batchSize = Number(batchSizeArg);

// The parent kills us; if the parent itself dies first, its end of stdin closes: stop too.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
const deadline = Date.now() + 60_000;

const store = SqliteEventStore.open(file);
const evidence = "x".repeat(200);
for (let batch = 0; Date.now() < deadline; batch++) {
  const workerId = `r${run}.b${batch}`;
  const events = Array.from({ length: batchSize }, (_, stepSeq) => ({
    type: "StepCompleted",
    data: { stepSeq, workerId, evidence },
  }));
  const half = Math.ceil(batchSize / 2);
  await store.appendMany([
    { streamId: "task-crash-a", events: events.slice(0, half), expectedVersion: "any" },
    { streamId: "task-crash-b", events: events.slice(half), expectedVersion: "any" },
  ]);
  if (batch === 0) process.stdout.write("running\n");
  await yieldToEventLoop();
}
process.exit(0);

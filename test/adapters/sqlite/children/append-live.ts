/**
 * Child process for multi-process.test.ts: appends `appends` small appends of `perAppend`
 * StepStarted events to the file, alternating between two streams and pausing a little between
 * appends so that a subscriber in another process sees them arrive over several polls. Prints
 * one JSON line: the event ids it wrote, in the order it wrote them.
 *
 * Usage: node --import tsx append-live.ts <file> <workerId> <appends> <perAppend>
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SqliteEventStore } from "../../../../src/adapters/sqlite/sqlite-event-store.js";

const [file, workerId, appendsArg, perAppendArg] = process.argv.slice(2);
if (!file || !workerId || !appendsArg || !perAppendArg)
  throw new Error("usage: <file> <workerId> <appends> <perAppend>");
const appends = Number(appendsArg);
const perAppend = Number(perAppendArg);

const store = SqliteEventStore.open(file);
const eventIds: string[] = [];
let stepSeq = 0;
for (let i = 0; i < appends; i++) {
  const streamId = i % 2 === 0 ? "task-live-a" : "task-live-b";
  const events = Array.from({ length: perAppend }, () => ({
    type: "StepStarted",
    data: { stepSeq: stepSeq++, workerId },
  }));
  const result = await store.append(streamId, events, { expectedVersion: "any" });
  for (const event of result.events) eventIds.push(event.metadata.eventId);
  await sleep(i % 3 === 0 ? 15 : 1);
}
await store.close();
process.stdout.write(`${JSON.stringify({ workerId, eventIds })}\n`);

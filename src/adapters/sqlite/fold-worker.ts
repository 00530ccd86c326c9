import { parentPort, workerData } from "node:worker_threads";
import { catalogue } from "../../domain/events/catalogue.js";
import { KnownTypes } from "../../projections/known-types.js";
import type { AnyProjection } from "../../projections/projection.js";
import { allProjections } from "../../projections/read-models.js";
import { CREDIT, type FoldWorkerData, type FoldWorkerMessage } from "./fold-protocol.js";
import { BatchEncoder, type PreparedBatch } from "./prepared-batch.js";
import { SqliteEventStore } from "./sqlite-event-store.js";

/**
 * The reading half of a fold in two threads (fold-in-worker.ts): reads the log on its own
 * read-only connection, runs the handlers and sends bound batches, as far ahead as its credit.
 */
const port = parentPort;
if (!port) throw new Error("fold-worker.ts runs as a worker thread (see fold-in-worker.ts)");
const data = workerData as FoldWorkerData;
const post = (message: FoldWorkerMessage) => port.postMessage(message);

const projections = data.projections.map((name) => {
  const projection = allProjections.find((p) => p.name === name);
  if (!projection) throw new Error(`fold worker: no projection named ${name}`);
  return projection as AnyProjection;
});

let credit = data.credit;
let granted: (() => void) | undefined;
port.on("message", (message) => {
  if (message !== CREDIT) return;
  credit++;
  granted?.();
});
async function send(batch: PreparedBatch): Promise<void> {
  while (credit === 0) await new Promise<void>((resolve) => (granted = resolve));
  credit--;
  post({ kind: "batch", batch });
}

const store = SqliteEventStore.open(data.file, { readonly: true, pageSize: 1000 });
const knownTypes = new KnownTypes(catalogue, (message) => post({ kind: "warn", message }));
const encoder = new BatchEncoder(projections);
let after = data.after;
for (const event of store.readAllSync({ from: data.after + 1n })) {
  if (event.position > data.to) break;
  encoder.add(event, knownTypes.known(event));
  if (encoder.size >= data.batchSize) {
    await send(encoder.take({ after, through: event.position }));
    after = event.position;
  }
}
if (after < data.to) await send(encoder.take({ after, through: data.to }));
await store.close();
post({ kind: "done" });

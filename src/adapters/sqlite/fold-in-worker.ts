import { Worker } from "node:worker_threads";
import { ColonyError } from "../../domain/errors.js";
import type { AnyProjection } from "../../projections/projection.js";
import type { RangeFolder } from "../../projections/projection-runner.js";
import { allProjections } from "../../projections/read-models.js";
import { CREDIT, type FoldWorkerData, type FoldWorkerMessage } from "./fold-protocol.js";
import { AnnouncedStatements } from "./prepared-batch.js";
import type { SqliteProjectionStore } from "./sqlite-projection-store.js";

export interface WorkerFoldOptions {
  /** Events per batch (one transaction each). */
  readonly batchSize?: number;
  readonly warn?: (message: string) => void;
  /** The fewest positions worth a worker; default WORKER_FOLD_MIN_EVENTS. */
  readonly minEvents?: number;
}

/** Batches the worker may have ready while this thread applies one. */
const AHEAD = 2;
/** The worker's old-generation heap. */
const WORKER_HEAP_MB = 128;
/** Below this many positions the worker's start-up costs more than the second thread saves. */
export const WORKER_FOLD_MIN_EVENTS = 20_000;

/**
 * A fold in two threads, for rebuilds and long catch-ups: a worker reads the log from its file
 * on its own read-only connection, decodes the events and runs the handlers (over half the
 * work), while this thread only runs the bound writes, each batch in one transaction with its
 * checkpoints (SqliteProjectionStore.applyPrepared). Undefined where a worker cannot do it: a
 * log in memory is not reachable from another connection, and the worker loads projections by
 * name, so only colonylog's own.
 */
export function workerFolder(
  logFile: { readonly name: string; readonly memory: boolean },
  store: SqliteProjectionStore,
  options: WorkerFoldOptions = {},
): { readonly fold: RangeFolder; readonly minEvents: number } | undefined {
  const minEvents = options.minEvents ?? WORKER_FOLD_MIN_EVENTS;
  if (logFile.memory || minEvents === Number.POSITIVE_INFINITY) return undefined;
  if (!store.definitions.every((p) => allProjections.includes(p))) return undefined;
  return {
    minEvents,
    fold: (range, onBatch) => foldInWorker(logFile.name, store, range, onBatch, options),
  };
}

async function foldInWorker(
  file: string,
  store: SqliteProjectionStore,
  range: { after: bigint; through: bigint },
  onBatch: (events: number, through: bigint) => void,
  options: WorkerFoldOptions,
): Promise<void> {
  const data: FoldWorkerData = {
    file,
    projections: store.definitions.map((p: AnyProjection) => p.name),
    after: range.after,
    to: range.through,
    batchSize: options.batchSize ?? 1000,
    credit: AHEAD,
  };
  // Capped, since V8 otherwise lets the worker's heap grow with the garbage of a long fold
  // (measured: ~100 MB more peak RSS over a million events), while what it holds live is a page
  // and a batch.
  const worker = new Worker(workerEntry(), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  const statements = new AnnouncedStatements();
  const warn = options.warn ?? ((message: string) => console.warn(message));
  try {
    await new Promise<void>((resolve, reject) => {
      // Once settled, batches still queued on the port are not applied: a stop is a stop.
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve();
        else reject(error);
      };
      worker.on("message", (message: FoldWorkerMessage) => {
        if (settled) return;
        try {
          if (message.kind === "warn") warn(message.message);
          else if (message.kind === "done") settle();
          else {
            store.applyPrepared(message.batch, statements);
            worker.postMessage(CREDIT);
            onBatch(message.batch.events, message.batch.through);
          }
        } catch (error) {
          settle(error);
        }
      });
      worker.on("error", (error: Error & { code?: string }) =>
        settle(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? new FoldWorkerOutOfMemoryError(data.batchSize) : error),
      );
      worker.on("exit", (code) => settle(new Error(`the fold worker stopped (exit code ${code}) before it was done`)));
    });
  } finally {
    await worker.terminate();
  }
}

export class FoldWorkerOutOfMemoryError extends ColonyError<"fold_worker_out_of_memory"> {
  constructor(batchSize: number) {
    super(
      "fold_worker_out_of_memory",
      `the fold worker ran out of its ${WORKER_HEAP_MB} MB heap with batches of ${batchSize} events (very large events?): what was committed stays, run again with a smaller --batch-size`,
      { heapMb: WORKER_HEAP_MB, batchSize },
    );
  }
}

/**
 * The worker's module beside this one: compiled JavaScript when colonylog runs built, or the
 * TypeScript source when it runs from source (tests, `npm run colony`). A worker does not get
 * its parent's module hooks, and on Node 20 `--import` in its execArgv comes too late for its
 * entry module, so a two-line module registers tsx (a development dependency) and then imports it.
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL("./fold-worker.js", import.meta.url);
  const source = new URL("./fold-worker.ts", import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};
register();
await import(${JSON.stringify(source)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

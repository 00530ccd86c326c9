/**
 * Child process for the cross-process claim tests (concurrent-claims.test.ts on SQLite,
 * postgres-read-model-claims.test.ts on PostgreSQL): opens the shared log (a SQLite file or a
 * postgres:// URL) with the progress ledger folded inline, says "ready", waits for "go" on stdin
 * (so every process starts claiming at once), then runs `claimers` async claimers that claim the
 * colony's next task and complete it until none is pending. Prints one JSON line: the task ids
 * each claimer got, in order.
 *
 * Usage: node --import tsx claim-drain.ts <file|url> <colonyId> <processName> <claimers>
 */
import { createInterface } from "node:readline";
import { openColonyStore } from "../../../../src/adapters/open-colony-store.js";
import { systemClock } from "../../../../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../../../../src/adapters/system/uuid-v7.js";
import { ledgerProjection } from "../../../../src/projections/ledger/ledger-projection.js";
import { TaskLedger } from "../../../../src/runtime/ledger/task-ledger.js";

const [location, colonyId, name, claimersArg] = process.argv.slice(2);
if (!location || !colonyId || !name || !claimersArg) {
  throw new Error("usage: <file|url> <colonyId> <processName> <claimers>");
}

const db = await openColonyStore(location, {
  mustExist: true,
  projections: [ledgerProjection],
  // On SQLite, four processes queue for the write lock many times over; wait for it rather than fail.
  busyTimeoutMs: 30_000,
});
const ledger = new TaskLedger(db, { clock: systemClock, ids: new UuidV7Generator() });

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => {
  lines.on("line", (line) => {
    if (line.trim() === "go") resolve();
  });
});
process.stdout.write("ready\n");
await go;
lines.close();

const claimed = await Promise.all(
  Array.from({ length: Number(claimersArg) }, async (_, i) => {
    const workerId = `${name}-w${i}`;
    const mine: string[] = [];
    for (;;) {
      const task = await ledger.claimNext(colonyId, workerId);
      if (task === null) return mine;
      mine.push(task.taskId);
      await ledger.complete(task, { by: workerId });
    }
  }),
);
await db.close();
process.stdout.write(`${JSON.stringify({ name, claimed })}\n`);

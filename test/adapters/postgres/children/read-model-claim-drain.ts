/**
 * Child process for postgres-read-model-claims.test.ts: opens the shared PostgreSQL database with
 * the progress ledger folded inline, says "ready", waits for "go" on stdin (so every process
 * starts claiming at once), then runs `claimers` async claimers that claim the colony's next task
 * and complete it until none is pending. Prints one JSON line: the task ids each claimer got.
 *
 * Usage: node --import tsx read-model-claim-drain.ts <url> <colonyId> <processName> <claimers>
 */
import { createInterface } from "node:readline";
import { openPostgresColonyDatabase } from "../../../../src/adapters/postgres/open-postgres-colony-database.js";
import { systemClock } from "../../../../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../../../../src/adapters/system/uuid-v7.js";
import { ledgerProjection } from "../../../../src/projections/ledger/ledger-projection.js";
import { TaskLedger } from "../../../../src/runtime/ledger/task-ledger.js";

const [url, colonyId, name, claimersArg] = process.argv.slice(2);
if (!url || !colonyId || !name || !claimersArg) throw new Error("usage: <url> <colonyId> <processName> <claimers>");

const db = await openPostgresColonyDatabase(url, {
  projections: [ledgerProjection],
  inline: [ledgerProjection.name],
  maxConnections: 4,
  warn: () => {},
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

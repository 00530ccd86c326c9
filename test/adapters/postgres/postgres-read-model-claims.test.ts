import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import {
  openPostgresColonyDatabase,
  type PostgresColonyDatabase,
} from "../../../src/adapters/postgres/open-postgres-colony-database.js";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import { ledgerProjection } from "../../../src/projections/ledger/ledger-projection.js";
import { TaskLedger } from "../../../src/runtime/ledger/task-ledger.js";
import { historyByTask } from "../../runtime/ledger/ledger-fixture.js";
import { killAllChildren, startChild } from "../../support/child-processes.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";

const TASKS = 100;
/** The cross-process claim child the SQLite suite runs too, here on a postgres:// URL. */
const claimDrain = join(import.meta.dirname, "..", "..", "runtime", "ledger", "children", "claim-drain.ts");

const closing: PostgresColonyDatabase[] = [];
const dropping: PostgresDatabase[] = [];
afterEach(async () => {
  await killAllChildren();
  for (const db of closing.splice(0)) await db.close();
  for (const database of dropping.splice(0)) await database.drop();
});

/** The log and the progress ledger folded inline, on a new PostgreSQL database. */
async function ledgerOn(options: { groupCommit?: boolean } = {}) {
  const database = await freshPostgresDatabase();
  dropping.push(database);
  const db = await openPostgresColonyDatabase(database.url, {
    projections: [ledgerProjection],
    inline: [ledgerProjection.name],
    pollIntervalMs: 50,
    warn: () => {},
  });
  closing.push(db);
  const ledger = new TaskLedger(db, { clock: systemClock, ids: new UuidV7Generator(), ...options });
  const { taskIds } = await ledger.createColony(
    { colonyId: "c1", name: "c1" },
    Array.from({ length: TASKS }, (_, i) => ({ goal: `task ${i}`, priority: i % 4 })),
  );
  return { database, db, ledger, taskIds };
}

/** Every task claimed once and completed once, by the one claimer that said it claimed it. */
async function expectExactlyOnce(
  db: PostgresColonyDatabase,
  taskIds: readonly string[],
  claimedBy: readonly (readonly string[])[],
): Promise<void> {
  const all = claimedBy.flat();
  expect(all).toHaveLength(TASKS);
  expect(new Set(all)).toEqual(new Set(taskIds));
  const history = await historyByTask(db.events.readAll());
  for (const id of taskIds) expect(history.get(id)).toEqual(["TaskSeeded", "TaskClaimed", "TaskCompleted"]);
  // The work was shared, not done by one claimer while the others found nothing.
  expect(claimedBy.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
  // The inline ledger shows what the log says.
  const statuses = await db.readModels.selectFrom("tasks").select("status").execute();
  expect(statuses.map((r) => r.status)).toEqual(Array(TASKS).fill("done"));
}

describePostgres("the task ledger's claims on PostgreSQL, ledger folded inline", () => {
  for (const groupCommit of [true, false]) {
    it(`20 async claimers in one process drain ${TASKS} tasks, each claimed exactly once (group commit ${groupCommit ? "on" : "off"})`, async () => {
      const { db, ledger, taskIds } = await ledgerOn({ groupCommit });
      const claimedBy = await Promise.all(
        Array.from({ length: 20 }, async (_, w) => {
          const mine: string[] = [];
          for (;;) {
            const task = await ledger.claimNext("c1", `w${w}`);
            if (task === null) return mine;
            mine.push(task.taskId);
            await ledger.complete(task);
          }
        }),
      );
      await expectExactlyOnce(db, taskIds, claimedBy);
      expect(await ledger.unfinished("c1")).toEqual({ pending: 0, claimed: 0, in_progress: 0 });
    }, 60_000);
  }

  it(`3 processes of 5 async claimers each drain ${TASKS} tasks, each claimed exactly once`, async () => {
    const { database, db, taskIds } = await ledgerOn();
    const processes = ["p0", "p1", "p2"].map((name) => startChild(claimDrain, [database.url, "c1", name, "5"]));
    for (const child of processes) expect(await child.nextLine()).toBe("ready");
    for (const child of processes) child.process.stdin.write("go\n");
    const reports = await Promise.all(
      processes.map(async (child) => {
        const line = await child.nextLine();
        await child.exited;
        return JSON.parse(line) as { name: string; claimed: string[][] };
      }),
    );
    await expectExactlyOnce(
      db,
      taskIds,
      reports.flatMap((r) => r.claimed),
    );
  }, 120_000);
});

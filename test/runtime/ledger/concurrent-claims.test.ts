import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { killAllChildren, startChild } from "../../support/child-processes.js";
import { historyByTask, ledgers } from "./ledger-fixture.js";

const open = ledgers();
const children = join(import.meta.dirname, "children");

afterEach(killAllChildren);

const TASKS = 100;

function seedTasks() {
  return Array.from({ length: TASKS }, (_, i) => ({ goal: `task ${i}`, priority: i % 4 }));
}

/** Every task claimed once and completed once, by the one claimer that said it claimed it. */
function expectExactlyOnce(
  history: Map<string, string[]>,
  taskIds: readonly string[],
  claimedBy: readonly (readonly string[])[],
): void {
  const all = claimedBy.flat();
  expect(all).toHaveLength(TASKS);
  expect(new Set(all)).toEqual(new Set(taskIds));
  for (const id of taskIds) expect(history.get(id)).toEqual(["TaskSeeded", "TaskClaimed", "TaskCompleted"]);
}

describe("claimNext under concurrency, on one SQLite file", () => {
  for (const groupCommit of [true, false]) {
    it(`20 async claimers drain ${TASKS} tasks, each claimed exactly once (group commit ${groupCommit ? "on" : "off"})`, async () => {
      const { db, ledger } = await open({ clock: systemClock, groupCommit });
      const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, seedTasks());

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

      expectExactlyOnce(await historyByTask(db.events.readAll()), taskIds, claimedBy);
      // The work was shared, not done by one claimer while the others found nothing.
      expect(claimedBy.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
      expect((await ledger.tasks("c1")).every((t) => t.status === "done")).toBe(true);
    });
  }

  it(`4 processes of 5 async claimers each drain ${TASKS} tasks, each claimed exactly once`, async () => {
    const { db, ledger } = await open({ clock: systemClock });
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, seedTasks());

    const processes = ["p0", "p1", "p2", "p3"].map((name) =>
      startChild(join(children, "claim-drain.ts"), [db.file, "c1", name, "5"]),
    );
    for (const child of processes) expect(await child.nextLine()).toBe("ready");
    for (const child of processes) child.process.stdin.write("go\n");
    const reports = await Promise.all(
      processes.map(async (child) => {
        const line = await child.nextLine();
        await child.exited;
        return JSON.parse(line) as { name: string; claimed: string[][] };
      }),
    );

    const claimedBy = reports.flatMap((r) => r.claimed);
    expectExactlyOnce(await historyByTask(db.events.readAll()), taskIds, claimedBy);
    console.log(`claims per process: ${reports.map((r) => `${r.name}=${r.claimed.flat().length}`).join(" ")}`);
    // The children folded the ledger inline into the same file: it shows every task done.
    expect((await db.readModels.selectFrom("tasks").select("status").execute()).map((r) => r.status)).toEqual(
      Array(TASKS).fill("done"),
    );
  }, 60_000);
});

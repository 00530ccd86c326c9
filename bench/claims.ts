import { join } from "node:path";
import { openColonyDatabase } from "../src/adapters/sqlite/open-colony-database.js";
import { systemClock } from "../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../src/adapters/system/uuid-v7.js";
import { type LedgerReadModel, ledgerProjection } from "../src/projections/ledger/ledger-projection.js";
import type { LedgerDatabase } from "../src/runtime/ledger/ledger-database.js";
import { TaskLedger } from "../src/runtime/ledger/task-ledger.js";
import { type BaselineTask, OriginalLedger } from "./claims-baseline.js";
import { inTurn, Throughput } from "./measure.js";
import { notice } from "./notice.js";
import { type BenchRow, benchRow } from "./row.js";
import { withScratchDir } from "./scratch-dir.js";

/**
 * The claims suite (issue 4): 16 async claimers drain 10,000 seeded tasks, each claiming the next
 * pending task and completing it, through the ledger commands (task decider, events appended with
 * the version read, the progress ledger folded inline), beside the original runtime's own SQL on
 * a plain `tasks` table doing the same, measured in the same run, in turns, each round on fresh
 * files. Every round checks that each task was claimed and completed exactly once.
 */

const TASKS = Number(process.env.BENCH_CLAIMS_TASKS ?? 10_000);
export const CLAIMERS = 16;
const ROUNDS = 3;
const COLONY = "bench";
const count = new Intl.NumberFormat("en-US");

function tasks(n = TASKS): BaselineTask[] {
  // A few priority levels, so the claim order is the full `priority DESC, seq, created_at`.
  return Array.from({ length: n }, (_, i) => ({ goal: `task ${i}`, priority: i % 5 }));
}

export async function run(): Promise<BenchRow[]> {
  return withScratchDir("colonylog-bench-claims-", async (dir) => {
    const grouped = new Throughput();
    const single = new Throughput();
    const original = new Throughput();
    const seedOurs = new Throughput();
    const seedOriginal = new Throughput();
    let file = 0;
    const next = (name: string) => join(dir, `${name}-${file++}.db`);
    for (let round = 0; round < ROUNDS; round++) {
      await inTurn(
        round,
        async () => {
          await drainOurs(next("colonylog"), { groupCommit: true }, grouped, seedOurs);
          await drainOurs(next("colonylog-single"), { groupCommit: false }, single, undefined);
        },
        async () => drainOriginal(next("original"), original, seedOriginal),
      );
    }
    notice(
      `${CLAIMERS} async claimers in one process; ${ROUNDS} rounds of ${count.format(TASKS)} tasks each, ` +
        "ours and the original in turns; each claim is followed by the completion of the task it got",
    );
    const label = `${CLAIMERS} claimers drain ${count.format(TASKS)} tasks`;
    return [
      benchRow(
        `claim+complete, ${label}: events + inline ledger, group commit`,
        grouped.perSecond,
        "claims/s",
        original.perSecond,
      ),
      benchRow(
        `claim+complete, ${label}: one transaction per command`,
        single.perSecond,
        "claims/s",
        original.perSecond,
      ),
      benchRow(
        `seed ${count.format(TASKS)} tasks in one append (with the colony)`,
        seedOurs.perSecond,
        "tasks/s",
        seedOriginal.perSecond,
      ),
    ];
  });
}

async function drainOurs(
  file: string,
  options: { groupCommit: boolean },
  claims: Throughput,
  seed: Throughput | undefined,
): Promise<void> {
  const db = await openColonyDatabase(file, {
    projections: [ledgerProjection],
    inline: [ledgerProjection.name],
    warn: () => {},
  });
  try {
    await drainLedger(db, TASKS, options, claims, seed);
  } finally {
    await db.close();
  }
}

/**
 * Seeds a colony of `count` tasks through a TaskLedger on `db` (the progress ledger folded
 * inline), then CLAIMERS async claimers claim and complete them all; checks the log after.
 */
export async function drainLedger<DB extends LedgerReadModel>(
  db: LedgerDatabase<DB>,
  count: number,
  options: { groupCommit: boolean },
  claims: Throughput,
  seed: Throughput | undefined,
): Promise<void> {
  const ledger = new TaskLedger(db, { clock: systemClock, ids: new UuidV7Generator(), ...options });
  const work = tasks(count);
  const seeding = () => ledger.createColony({ colonyId: COLONY, name: COLONY }, work);
  if (seed) await seed.time(count, seeding);
  else await seeding();
  let claimed = 0;
  await claims.time(count, () =>
    Promise.all(
      Array.from({ length: CLAIMERS }, async (_, w) => {
        for (;;) {
          const task = await ledger.claimNext(COLONY, `w${w}`);
          if (task === null) return;
          claimed++;
          await ledger.complete(task);
        }
      }),
    ),
  );
  await checkOurs(db.events.readAll(), claimed, count);
}

/** From the log itself: one TaskClaimed and one TaskCompleted per task, none left over. */
async function checkOurs(
  events: AsyncIterable<{ streamId: string; type: string }>,
  claimed: number,
  count: number,
): Promise<void> {
  const perTask = new Map<string, string>();
  for await (const event of events) {
    if (!event.streamId.startsWith("task-") || event.type === "TaskSeeded") continue;
    perTask.set(event.streamId, `${perTask.get(event.streamId) ?? ""}${event.type},`);
  }
  const wrong = [...perTask].filter(([, types]) => types !== "TaskClaimed,TaskCompleted,");
  if (claimed !== count || perTask.size !== count || wrong.length > 0) {
    throw new Error(`colonylog drain: ${claimed} claims, ${perTask.size} tasks touched, wrong: ${wrong.slice(0, 3)}`);
  }
}

async function drainOriginal(file: string, claims: Throughput, seed: Throughput): Promise<void> {
  const ledger = OriginalLedger.open(file);
  try {
    const work = tasks();
    await seed.time(TASKS, () => ledger.seed(work));
    let claimed = 0;
    await claims.time(TASKS, () =>
      Promise.all(
        Array.from({ length: CLAIMERS }, async (_, w) => {
          for (;;) {
            // Async claimers, as ours: each yields between its transactions.
            await Promise.resolve();
            const row = ledger.claim(`w${w}`);
            if (row === undefined) return;
            claimed++;
            await Promise.resolve();
            ledger.completeTask(row);
          }
        }),
      ),
    );
    if (claimed !== TASKS || ledger.count("done") !== TASKS) {
      throw new Error(`original drain: ${claimed} claims, ${ledger.count("done")} done`);
    }
  } finally {
    ledger.close();
  }
}

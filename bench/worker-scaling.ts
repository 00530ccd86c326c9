import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openColonyStore } from "../src/adapters/open-colony-store.js";
import { systemClock } from "../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../src/adapters/system/uuid-v7.js";
import type { RecordedEvent } from "../src/domain/envelope.js";
import { ledgerProjection } from "../src/projections/ledger/ledger-projection.js";
import { TaskLedger } from "../src/runtime/ledger/task-ledger.js";
import { inTurn } from "./measure.js";
import { notice } from "./notice.js";
import { type PostgresServer, transactionCounts, withFreshDatabase } from "./postgres-server.js";
import { type BenchRow, benchRow } from "./row.js";
import { WorkerProcess } from "./worker-process.js";

const TASKS = Number(process.env.BENCH_POSTGRES_WORKER_TASKS ?? 1_000);
const SLOTS = 4;
const PROCESSES = [1, 3] as const;
const ROUNDS = 2;
const COLONY = "bench_workers";
const GATE = "bench_gate";
const HANDLER = resolve(fileURLToPath(new URL(".", import.meta.url)), "instant-handler.mjs");
/** Starting tsx on a loaded two-core machine can take a while. */
const START_TIMEOUT_MS = 120_000;
const count = new Intl.NumberFormat("en-US");

interface Drain {
  readonly tasks: number;
  /** From the first claim to the last completion. */
  readonly seconds: number;
  /** Tasks done by each process, in the order they were started. */
  readonly perProcess: readonly number[];
}

type Store = "sqlite" | "postgres";

/** Drains of one store and process count, added up over the rounds. */
class Tally {
  private tasks = 0;
  private seconds = 0;
  readonly splits: string[] = [];

  add(drain: Drain): void {
    this.tasks += drain.tasks;
    this.seconds += drain.seconds;
    this.splits.push(drain.perProcess.map((n) => count.format(n)).join(" / "));
  }

  get perSecond(): number {
    return this.seconds === 0 ? 0 : this.tasks / this.seconds;
  }
}

/**
 * `colony worker` processes (the real CLI, SLOTS slots each, a handler that does nothing) drain
 * TASKS tasks from one store: 1 process, then 3, on PostgreSQL and on a SQLite file, each run
 * on a fresh store, ROUNDS rounds in turns. Start-up is kept out of the timing: the colony is
 * created with one task the bench claims itself, so every process, once up, finds nothing to
 * claim and says it is waiting for that task; only then are the TASKS tasks seeded (and the
 * bench's task completed). The time is from the first claim to the last completion, as the log
 * recorded them. Every task must be claimed and completed exactly once, by one of the processes.
 */
export async function workerScalingRows(server: PostgresServer, dir: string): Promise<BenchRow[]> {
  const tallies = new Map<string, Tally>();
  const tally = (store: Store, processes: number) => {
    const key = `${store} ${processes}`;
    if (!tallies.has(key)) tallies.set(key, new Tally());
    return tallies.get(key) as Tally;
  };
  const rolledBack = new Map<number, string[]>();
  let run = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const processes of PROCESSES) {
      await inTurn(
        round + processes,
        async () => tally("sqlite", processes).add(await drain(join(dir, `workers-${run++}.db`), processes)),
        () =>
          withFreshDatabase(server, async (url) => {
            tally("postgres", processes).add(await drain(url, processes));
            const { rollbacks } = await transactionCounts(url);
            rolledBack.set(processes, [...(rolledBack.get(processes) ?? []), count.format(rollbacks)]);
          }),
      );
    }
  }
  for (const processes of PROCESSES) {
    notice(
      `colony worker, postgres, ${processes} process${processes === 1 ? "" : "es"}: transactions rolled back ` +
        `(appends that lost a race: the task taken first by another claimer), per round: ${(rolledBack.get(processes) ?? []).join(", ")}`,
    );
  }
  for (const store of ["postgres", "sqlite"] as const) {
    notice(
      `colony worker, ${store}: tasks done by each of the 3 processes, per round: ${tally(store, 3).splits.join("; ")}`,
    );
  }
  const label = (processes: number) =>
    `colony worker: ${processes} process${processes === 1 ? "" : "es"} x ${SLOTS} slots drain ${count.format(TASKS)} tasks`;
  const scaling = (store: Store) => (100 * tally(store, 3).perSecond) / tally(store, 1).perSecond;
  return [
    ...PROCESSES.map((processes) =>
      benchRow(
        `${label(processes)}, first claim to last completion: PostgreSQL vs SQLite`,
        tally("postgres", processes).perSecond,
        "claims/s",
        tally("sqlite", processes).perSecond,
      ),
    ),
    benchRow(
      "colony worker scaling, 3 processes vs 1 (3-process claims/s as % of 1-process): PostgreSQL vs SQLite",
      scaling("postgres"),
      "%",
      scaling("sqlite"),
    ),
  ];
}

async function drain(location: string, processes: number): Promise<Drain> {
  const db = await openColonyStore(location, { mustExist: false, projections: [ledgerProjection] });
  const workers: WorkerProcess[] = [];
  try {
    const ledger = new TaskLedger(db, { clock: systemClock, ids: new UuidV7Generator() });
    const { colonyId } = await ledger.seedNamedColony(COLONY, [{ goal: "held by the bench until every worker is up" }]);
    const gate = await ledger.claimNext(colonyId, GATE);
    if (gate === null) throw new Error("the bench could not claim its own gate task");
    for (let i = 0; i < processes; i++) {
      workers.push(
        new WorkerProcess([
          ...["--db", location, "--colony", COLONY, "--concurrency", String(SLOTS)],
          ...["--handler", HANDLER, "--until-empty", "--poll-interval", "20"],
        ]),
      );
    }
    await Promise.all(workers.map((w) => w.printed(/waiting for 1 task claimed by other workers/, START_TIMEOUT_MS)));
    const tasks = Array.from({ length: TASKS }, (_, i) => ({ goal: `task ${i}`, priority: i % 5 }));
    const { taskIds } = await ledger.seedTasks(colonyId, tasks);
    await ledger.complete(gate);
    for (const exit of await Promise.all(workers.map((w) => w.exited))) {
      if (exit.code !== 0 || exit.stderr !== "") {
        throw new Error(
          `colony worker exited with ${exit.code ?? exit.signal}:\n${exit.stderr}${exit.stdout.slice(-500)}`,
        );
      }
    }
    const events: RecordedEvent[] = [];
    for await (const event of db.events.readAll()) events.push(event);
    return measured(
      events,
      new Set(taskIds),
      workers.map((w) => `pool${w.pid}_`),
    );
  } finally {
    for (const worker of workers) worker.kill();
    await db.close();
  }
}

/** The drain's rate from the log, after checking every task was claimed and completed once, by one of the pools. */
function measured(events: readonly RecordedEvent[], taskIds: ReadonlySet<string>, pools: readonly string[]): Drain {
  const history = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (taskIds.has(event.streamId.slice("task-".length)) && event.type !== "TaskSeeded") {
      history.set(event.streamId, [...(history.get(event.streamId) ?? []), event]);
    }
  }
  const perProcess = pools.map(() => 0);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let checked = 0;
  for (const [streamId, list] of history) {
    const claims = list.filter((e) => e.type === "TaskClaimed");
    const completions = list.filter((e) => e.type === "TaskCompleted");
    const workerId = String((claims[0]?.data as { workerId?: unknown } | undefined)?.workerId);
    const pool = pools.findIndex((prefix) => workerId.startsWith(prefix));
    if (claims.length !== 1 || completions.length !== 1 || list.at(-1)?.type !== "TaskCompleted" || pool < 0) {
      throw new Error(
        `${streamId}: ${list.map((e) => e.type).join(", ")} by ${workerId}, not one claim and one completion by a pool`,
      );
    }
    perProcess[pool] = (perProcess[pool] ?? 0) + 1;
    first = Math.min(first, Date.parse((claims[0] as RecordedEvent).metadata.recordedAt));
    last = Math.max(last, Date.parse((completions[0] as RecordedEvent).metadata.recordedAt));
    checked++;
  }
  if (checked !== taskIds.size) throw new Error(`${checked} tasks were worked, ${taskIds.size} were seeded`);
  return { tasks: checked, seconds: (last - first) / 1000, perProcess };
}

import { join } from "node:path";
import pg from "pg";
import type { ColonyDatabase } from "../src/adapters/colony-database.js";
import { openColonyStore } from "../src/adapters/open-colony-store.js";
import { ledgerProjection } from "../src/projections/ledger/ledger-projection.js";
import { CLAIMERS, drainLedger } from "./claims.js";
import { inTurn, Throughput } from "./measure.js";
import { notice } from "./notice.js";
import { type PostgresServer, withFreshDatabase } from "./postgres-server.js";
import { type BenchRow, benchRow } from "./row.js";

const TASKS = Number(process.env.BENCH_POSTGRES_CLAIM_TASKS ?? 1_000);
const ROUNDS = 2;
const count = new Intl.NumberFormat("en-US");

/**
 * The claims suite's drain (claims.ts: CLAIMERS async claimers, each claiming the next pending
 * task and completing it, through the TaskLedger with group commit as the CLI runs it) over
 * openColonyStore with the progress ledger folded inline, on PostgreSQL and on a SQLite file,
 * each round on a fresh store, in turns. Every round checks each task was claimed and
 * completed exactly once.
 */
export async function claimRows(server: PostgresServer, dir: string): Promise<BenchRow[]> {
  const rates = { sqlite: new Throughput(), postgres: new Throughput() };
  const transactions: { events: number; transactions: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await inTurn(
      round,
      () => drainOn(join(dir, `claims-${round}.db`), rates.sqlite),
      () =>
        withFreshDatabase(server, async (url) => {
          await drainOn(url, rates.postgres);
          transactions.push(await claimTransactions(url));
        }),
    );
  }
  notice(
    `claims, postgres: ${transactions.map((t) => `${count.format(t.events)} claim and completion events in ${count.format(t.transactions)} transactions`).join("; ")} ` +
      "(group commit joins only the appends made in one turn of the event loop)",
  );
  return [
    benchRow(
      `claim+complete, ${CLAIMERS} async claimers in one process drain ${count.format(TASKS)} tasks (TaskLedger, ledger inline): PostgreSQL vs SQLite`,
      rates.postgres.perSecond,
      "claims/s",
      rates.sqlite.perSecond,
    ),
  ];
}

async function drainOn(location: string, rate: Throughput): Promise<void> {
  const db: ColonyDatabase = await openColonyStore(location, { mustExist: false, projections: [ledgerProjection] });
  try {
    await drainLedger(db, TASKS, { groupCommit: true }, rate, undefined);
  } finally {
    await db.close();
  }
}

/** How many transactions wrote the tasks' claims and completions (the seed is one more). */
async function claimTransactions(url: string): Promise<{ events: number; transactions: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: number; transactions: number }>(
      `SELECT count(*)::float8 AS events, count(DISTINCT transaction_id::text)::float8 AS transactions
         FROM events WHERE type IN ('TaskClaimed', 'TaskCompleted')`,
    );
    return rows[0] ?? { events: 0, transactions: 0 };
  } finally {
    await client.end();
  }
}

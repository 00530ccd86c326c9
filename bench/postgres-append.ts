import { join } from "node:path";
import { PostgresEventStore } from "../src/adapters/postgres/postgres-event-store.js";
import { ColonylogContender } from "./colonylog-contender.js";
import { type WorkloadAppend, type WorkloadShape, workloadSlice } from "./log-workload.js";
import { inRotation, Throughput } from "./measure.js";
import { notice } from "./notice.js";
import { type PostgresServer, withFreshDatabases, withSessionSetting } from "./postgres-server.js";
import { type BenchRow, benchRow } from "./row.js";

/**
 * Appends through the EventStore port (exact expected versions, the log workload's message
 * parts) on PostgreSQL and on a SQLite file, in turns, each store fresh: one event per
 * transaction from several async appenders at once (a colony's workers, each writing its own
 * conversation) and from one; 100 events per transaction, to one stream and to 100 streams.
 * SQLite commits in WAL with synchronous=NORMAL (no flush per commit); PostgreSQL by default
 * flushes its WAL at every commit, so the sequential race also runs PostgreSQL with
 * synchronous_commit=off, the nearer durability to SQLite's: that row shows how much of the
 * gap the flush is.
 */

const STREAMS = 100;
const ONE_PER_TX: WorkloadShape = { batchSize: 1, streams: STREAMS };
const HUNDRED_PER_TX: WorkloadShape = { batchSize: 100, streams: 200 };
/** Concurrent appenders; they split the streams evenly, each on streams of its own. */
const APPENDERS = 10;
/** Single-event appends per appendMany: one to each stream. */
const GROUP = STREAMS;
const ROUNDS = 4;
const UNIT = "events/s";
const count = new Intl.NumberFormat("en-US");

type Write = (contender: ColonylogContender, appends: readonly WorkloadAppend[]) => Promise<void>;

/**
 * Appender k takes appends k, k + n, ...: the workload going round its streams, those are
 * streams of its own, in their order.
 */
function concurrently(appenders: number): Write {
  return async (contender, appends) => {
    await Promise.all(
      Array.from({ length: appenders }, async (_, k) => {
        for (let i = k; i < appends.length; i += appenders) await contender.append(appends[i] as WorkloadAppend);
      }),
    );
  };
}

/** Consecutive single-event appends, one per stream, `GROUP` to an appendMany. */
const grouped: Write = async (contender, appends) => {
  for (let i = 0; i < appends.length; i += GROUP) await contender.appendMany(appends.slice(i, i + GROUP));
};

interface Race {
  readonly label: string;
  readonly shape: WorkloadShape;
  readonly warmup: number;
  readonly timed: number;
  readonly write: Write;
  /** Also run PostgreSQL with synchronous_commit=off. */
  readonly asyncCommit?: boolean;
}

const races = {
  concurrent: { label: "concurrent", shape: ONE_PER_TX, warmup: 400, timed: 4_000, write: concurrently(APPENDERS) },
  sequential: {
    label: "sequential",
    shape: ONE_PER_TX,
    warmup: 200,
    timed: 1_200,
    write: concurrently(1),
    asyncCommit: true,
  },
  batched: { label: "batched", shape: HUNDRED_PER_TX, warmup: 2_000, timed: 40_000, write: concurrently(1) },
  grouped: { label: "grouped", shape: ONE_PER_TX, warmup: 400, timed: 4_000, write: grouped },
} satisfies Record<string, Race>;

export async function appendRows(server: PostgresServer, dir: string): Promise<BenchRow[]> {
  const concurrent = await race(server, dir, races.concurrent);
  const sequential = await race(server, dir, races.sequential);
  const batched = await race(server, dir, races.batched);
  const many = await race(server, dir, races.grouped);
  const events = (r: Race) => `${count.format(r.timed)} events`;
  return [
    benchRow(
      `append 1 event/tx, ${APPENDERS} concurrent appenders (${events(races.concurrent)}): PostgreSQL vs SQLite`,
      concurrent.postgres,
      UNIT,
      concurrent.sqlite,
    ),
    benchRow(
      `append 1 event/tx, sequential (${events(races.sequential)}): PostgreSQL vs SQLite`,
      sequential.postgres,
      UNIT,
      sequential.sqlite,
    ),
    benchRow(
      "append 1 event/tx, sequential: PostgreSQL with synchronous_commit=off vs SQLite",
      sequential.postgresAsync ?? 0,
      UNIT,
      sequential.sqlite,
    ),
    benchRow(
      `append 100 events/tx to one stream (${events(races.batched)}): PostgreSQL vs SQLite`,
      batched.postgres,
      UNIT,
      batched.sqlite,
    ),
    benchRow(
      `append 100 events/tx, one to each of ${GROUP} streams in one appendMany (${events(races.grouped)}): PostgreSQL vs SQLite`,
      many.postgres,
      UNIT,
      many.sqlite,
    ),
  ];
}

interface RaceResult {
  readonly sqlite: number;
  readonly postgres: number;
  readonly postgresAsync?: number;
}

/** Each contender on a fresh store: a warm-up, then ROUNDS rounds of the same appends, in rotating order. */
async function race(server: PostgresServer, dir: string, spec: Race): Promise<RaceResult> {
  return withFreshDatabases(server, spec.asyncCommit ? 2 : 1, async ([url, asyncUrl]) => {
    const contenders: ColonylogContender[] = [
      ColonylogContender.open(join(dir, `append-${spec.label}.db`)),
      new ColonylogContender(await PostgresEventStore.open(url as string)),
    ];
    if (asyncUrl) {
      const store = await PostgresEventStore.open(withSessionSetting(asyncUrl, "synchronous_commit", "off"));
      contenders.push(new ColonylogContender(store));
      const { rows } = await store.pool.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
      if (rows[0]?.synchronous_commit !== "off") throw new Error("synchronous_commit=off did not reach the session");
    }
    const rates = contenders.map(() => new Throughput());
    try {
      const warmup = workloadSlice(spec.shape, 0, spec.warmup);
      for (const contender of contenders) await spec.write(contender, warmup);
      const perRound = spec.timed / ROUNDS;
      for (let round = 0; round < ROUNDS; round++) {
        const appends = workloadSlice(spec.shape, spec.warmup + round * perRound, perRound);
        await inRotation(
          round,
          contenders.map(
            (contender, i) => () => (rates[i] as Throughput).time(perRound, () => spec.write(contender, appends)),
          ),
        );
      }
      // Every event stored once, on every store.
      for (const contender of contenders) {
        const stored = await contender.scan();
        if (stored !== spec.warmup + spec.timed) {
          throw new Error(
            `append ${spec.label}: a store holds ${stored} events, ${spec.warmup + spec.timed} were appended`,
          );
        }
      }
    } finally {
      for (const contender of contenders) await contender.close();
    }
    if (spec.asyncCommit)
      notice(`append ${spec.label}: synchronous_commit=off set per session through the URL's options`);
    const [sqlite, postgres, postgresAsync] = rates.map((rate) => rate.perSecond) as [number, number, number?];
    return postgresAsync === undefined ? { sqlite, postgres } : { sqlite, postgres, postgresAsync };
  });
}

import { join } from "node:path";
import { ColonylogContender } from "./colonylog-contender.js";
import type { LogReader, LogWriter } from "./log-contender.js";
import { assertSameFootprint } from "./log-footprint.js";
import { type WorkloadAppend, type WorkloadShape, workloadSlice } from "./log-workload.js";
import { inTurn, Throughput } from "./measure.js";
import { notice } from "./notice.js";
import { loadEmmettSqlite } from "./peers/emmett-sqlite.js";
import { RawSqliteContender } from "./raw-sqlite-contender.js";
import { type BenchRow, benchRow } from "./row.js";
import { withScratchDir } from "./scratch-dir.js";

/**
 * The log suite (DESIGN §2): appends and a full scan through our SQLite event store, each beside
 * plain better-sqlite3 doing the same writes on the same schema, measured in the same run, in
 * turns. Everything runs on files in a fresh temp dir.
 */

const ONE_PER_TX: WorkloadShape = { batchSize: 1, streams: 100 };
const HUNDRED_PER_TX: WorkloadShape = { batchSize: 100, streams: 200 };
const ROUNDS = 10;
const SCAN_ROUNDS = 4;

const sizes = {
  single: { warmup: 1_000, timed: 20_000 },
  batched: { warmup: 5_000, timed: 200_000 },
  peerSingle: { warmup: 20, timed: 1_000 },
  peerBatched: { warmup: 200, timed: 20_000 },
};

const UNIT = "events/s";
const count = new Intl.NumberFormat("en-US");

export async function run(): Promise<BenchRow[]> {
  return withScratchDir("colonylog-bench-log-", async (dir) => {
    const single = await appendRace(dir, "single", ONE_PER_TX, sizes.single);
    const batched = await appendRace(dir, "batched", HUNDRED_PER_TX, sizes.batched);
    const scan = await scanRace(batched.files);
    const rows = [
      benchRow(
        `append 1 event/tx, exact expectedVersion (${count.format(sizes.single.timed)})`,
        single.ours,
        UNIT,
        single.raw,
      ),
      benchRow(
        `append 100 events/tx, exact expectedVersion (${count.format(sizes.batched.timed)})`,
        batched.ours,
        UNIT,
        batched.raw,
      ),
      benchRow(`readAll full scan, decoded (${count.format(scan.events)})`, scan.ours, UNIT, scan.raw),
    ];
    return [...rows, ...(await peerRows(dir, single.raw, batched.raw))];
  });
}

interface AppendRace {
  readonly ours: number;
  readonly raw: number;
  readonly files: { readonly ours: string; readonly raw: string };
}

/** Our store and the raw baseline append the same events, in turns, each to its own file. */
async function appendRace(
  dir: string,
  label: string,
  shape: WorkloadShape,
  size: { warmup: number; timed: number },
): Promise<AppendRace> {
  const files = { ours: join(dir, `${label}-colonylog.db`), raw: join(dir, `${label}-raw.db`) };
  const ours = ColonylogContender.open(files.ours);
  const raw = RawSqliteContender.open(files.raw);
  const oursRate = new Throughput();
  const rawRate = new Throughput();
  try {
    await appendAll(ours, workloadSlice(shape, 0, size.warmup));
    await appendAll(raw, workloadSlice(shape, 0, size.warmup));
    const perRound = size.timed / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      const appends = workloadSlice(shape, size.warmup + round * perRound, perRound);
      await inTurn(
        round,
        () => oursRate.time(perRound, () => appendAll(ours, appends)),
        () => rawRate.time(perRound, () => appendAll(raw, appends)),
      );
    }
  } finally {
    await ours.close();
    await raw.close();
  }
  const stored = assertSameFootprint(files.ours, files.raw);
  notice(
    `${label}: both stores hold ${count.format(stored.rows)} rows of the same size: ` +
      `${Math.round(stored.dataBytes / stored.rows)} bytes of data JSON + ` +
      `${Math.round(stored.envelopeBytes / stored.rows)} of envelope (id, time, optional metadata) on average`,
  );
  return { ours: oursRate.perSecond, raw: rawRate.perSecond, files };
}

async function appendAll(writer: LogWriter, appends: readonly WorkloadAppend[]): Promise<void> {
  for (const append of appends) await writer.append(append);
}

interface ScanRace {
  readonly ours: number;
  readonly raw: number;
  readonly events: number;
}

/** Both read back what they wrote (freshly opened), once to warm up, then in turns. */
async function scanRace(files: { readonly ours: string; readonly raw: string }): Promise<ScanRace> {
  const ours = ColonylogContender.open(files.ours);
  const raw = RawSqliteContender.open(files.raw);
  try {
    const events = await ours.scan();
    if ((await raw.scan()) !== events) throw new Error("the scans saw different numbers of events");
    const oursRate = new Throughput();
    const rawRate = new Throughput();
    for (let round = 0; round < SCAN_ROUNDS; round++) {
      await inTurn(
        round,
        () => oursRate.time(events, () => expectScan(ours, events)),
        () => rawRate.time(events, () => expectScan(raw, events)),
      );
    }
    return { ours: oursRate.perSecond, raw: rawRate.perSecond, events };
  } finally {
    await ours.close();
    await raw.close();
  }
}

async function expectScan(reader: LogReader, events: number): Promise<void> {
  const seen = await reader.scan();
  if (seen !== events) throw new Error(`scan saw ${seen} events, expected ${events}`);
}

/** The same append shapes through a peer event store, when it is installed; judged against the same raw baseline. */
async function peerRows(dir: string, rawSingle: number, rawBatched: number): Promise<BenchRow[]> {
  const emmett = loadEmmettSqlite();
  if (!emmett.available) {
    notice(`peer @event-driven-io/emmett-sqlite skipped: ${emmett.reason}`);
    return [];
  }
  const rows: BenchRow[] = [];
  let retries = 0;
  for (const [label, shape, size, baseline] of [
    ["1 event/tx", ONE_PER_TX, sizes.peerSingle, rawSingle],
    ["100 events/tx", HUNDRED_PER_TX, sizes.peerBatched, rawBatched],
  ] as const) {
    const peer = emmett.open(join(dir, `emmett-${shape.batchSize}.db`));
    const rate = new Throughput();
    try {
      await appendAll(peer, workloadSlice(shape, 0, size.warmup));
      const appends = workloadSlice(shape, size.warmup, size.timed);
      await rate.time(size.timed, () => appendAll(peer, appends));
    } catch (error) {
      // A peer's failure is a finding, not a reason to lose our own rows.
      notice(`peer emmett-sqlite failed on ${label}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    } finally {
      await peer.close();
      retries += peer.busyRetries;
    }
    rows.push(
      benchRow(`peer emmett-sqlite: append ${label} (${count.format(size.timed)})`, rate.perSecond, UNIT, baseline),
    );
  }
  notice(
    `emmett-sqlite ${emmett.version} runs with its own defaults (node-sqlite3, WAL, synchronous FULL, ` +
      "a connection opened and closed per append), on fewer events; its baseline is the raw row above" +
      (retries > 0 ? `; ${retries} append(s) failed with SQLITE_BUSY at COMMIT and were retried` : ""),
  );
  return rows;
}

import { join } from "node:path";
import { SqliteEventStore } from "../src/adapters/sqlite/sqlite-event-store.js";
import { runChild } from "./child-process.js";
import { colonyWorkload } from "./colony-workload.js";
import { seconds } from "./measure.js";
import { notice } from "./notice.js";
import type { PassResult } from "./rebuild-child.js";
import { type BenchRow, benchRow } from "./row.js";
import { seedLog } from "./seed-log.js";

export const REBUILD_EVENTS = 1_000_000;
const MB = 1024 * 1024;
const count = new Intl.NumberFormat("en-US");

/**
 * Rebuild (issue 3 item 7.1): a million events of colony life written to a SQLite file first
 * (not timed), then, each in a fresh process, a decoded `readAll` scan of the file (the
 * baseline: what reading the events costs before any projection work) and a rebuild of every
 * registered projection (reset, then `runner.catchUp()` from position 0). Rates are events/s
 * over the whole pass; memory is the process's peak RSS (getrusage), which includes Node and
 * the tsx loader (the scan's peak shows that floor).
 */
export async function rebuildRows(dir: string, events = REBUILD_EVENTS): Promise<BenchRow[]> {
  const file = join(dir, "rebuild.db");
  const store = SqliteEventStore.open(file);
  let written = 0;
  try {
    const took = await seconds(async () => {
      written = await seedLog(store, colonyWorkload(events));
    });
    notice(`rebuild: wrote ${count.format(written)} events in ${took.toFixed(1)} s (not timed)`);
  } finally {
    await store.close();
  }
  const scan = await pass("scan", file);
  const rebuild = await pass("rebuild", file);
  for (const result of [scan, rebuild]) {
    if (result.events !== written) throw new Error(`a pass saw ${result.events} events, ${written} were written`);
  }
  notice(
    `rebuild: ${rebuild.seconds.toFixed(1)} s, scan ${scan.seconds.toFixed(1)} s; RSS before the timed pass ` +
      `${Math.round(rebuild.startRssBytes / MB)} MB (rebuild) and ${Math.round(scan.startRssBytes / MB)} MB (scan); ` +
      `read-model rows: ${Object.entries(rebuild.tables ?? {})
        .map(([table, rows]) => `${table} ${count.format(rows)}`)
        .join(", ")}`,
  );
  return [
    benchRow(
      `rebuild all projections, reset + catchUp (${count.format(written)} events; vs readAll scan; target >= 100,000/s)`,
      rebuild.events / rebuild.seconds,
      "events/s",
      scan.events / scan.seconds,
    ),
    benchRow(
      `rebuild all projections: peak RSS (vs the scan's; target < 300 MB)`,
      rebuild.peakRssBytes / MB,
      "MB (lower is better)",
      scan.peakRssBytes / MB,
    ),
  ];
}

async function pass(mode: "scan" | "rebuild", file: string): Promise<PassResult> {
  const output = await runChild("bench/rebuild-child.ts", [mode, file]);
  return JSON.parse(output) as PassResult;
}

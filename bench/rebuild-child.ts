import { rebuildProjections } from "../src/adapters/sqlite/projection-maintenance.js";
import { SqliteEventStore } from "../src/adapters/sqlite/sqlite-event-store.js";
import { allProjections } from "../src/projections/read-models.js";
import { seconds } from "./measure.js";

/**
 * One measured pass over a log file, in its own process so its peak RSS is its own:
 * `scan <file>` reads every event through `readAll` (decoded, as the runner gets them);
 * `rebuild <file>` rebuilds every registered projection from position 0 as
 * `colony projections rebuild` does (in two threads: fold-in-worker.ts). Prints one JSON line of {@link PassResult}.
 */
export interface PassResult {
  readonly events: number;
  readonly seconds: number;
  /** The process's peak resident set size (getrusage), in bytes. */
  readonly peakRssBytes: number;
  /** Resident set size right before the timed pass. */
  readonly startRssBytes: number;
  /** Rebuild only: rows per read-model table afterwards. */
  readonly tables?: Readonly<Record<string, number>>;
}

async function scan(file: string): Promise<Omit<PassResult, "peakRssBytes">> {
  const store = SqliteEventStore.open(file);
  try {
    const startRssBytes = process.memoryUsage().rss;
    let events = 0;
    const elapsed = await seconds(async () => {
      for await (const event of store.readAll()) {
        if (event.metadata.eventId === undefined) throw new Error("readAll returned an event without metadata");
        events++;
      }
    });
    return { events, seconds: elapsed, startRssBytes };
  } finally {
    await store.close();
  }
}

async function rebuild(file: string): Promise<Omit<PassResult, "peakRssBytes">> {
  let warnings = 0;
  const store = SqliteEventStore.open(file);
  try {
    const startRssBytes = process.memoryUsage().rss;
    let events = 0;
    const elapsed = await seconds(async () => {
      await rebuildProjections(store, store.database, allProjections, {
        warn: (message) => {
          if (warnings++ < 5) process.stderr.write(`rebuild: ${message}\n`);
        },
        onProgress: (progress) => {
          events = progress.events;
        },
      });
    });
    const tables: Record<string, number> = {};
    for (const name of store.database
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('events', 'colonylog_log_schema')")
      .pluck()
      .all() as string[]) {
      tables[name] = store.database.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number;
    }
    return { events, seconds: elapsed, startRssBytes, tables };
  } finally {
    await store.close();
  }
}

const [mode, file] = process.argv.slice(2);
if ((mode !== "scan" && mode !== "rebuild") || file === undefined) {
  process.stderr.write("usage: rebuild-child.ts scan|rebuild <file>\n");
  process.exit(2);
}
const result = await (mode === "scan" ? scan(file) : rebuild(file));
const pass: PassResult = { ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
process.stdout.write(`${JSON.stringify(pass)}\n`);

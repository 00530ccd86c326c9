import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { LogWriter } from "../log-contender.js";
import type { WorkloadAppend } from "../log-workload.js";
import { unavailable } from "./unavailable.js";

/** The slice of @event-driven-io/emmett-sqlite's API the bench uses (typed here: the package is optional). */
interface EmmettSqlite {
  getSQLiteEventStore(options: { fileName: string }): EmmettStore;
}

interface EmmettStore {
  appendToStream(
    streamName: string,
    events: { type: string; data: unknown }[],
    options: { expectedStreamVersion: bigint },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
}

export type PeerLoad =
  | { readonly available: true; readonly version: string; open(file: string): EmmettSqliteContender }
  | { readonly available: false; readonly reason: string };

/**
 * Loads emmett-sqlite from bench/peers/node_modules (`npm run bench:peers`), never from the
 * project's own dependencies, so CI never has to build its sqlite3 native module.
 */
export function loadEmmettSqlite(): PeerLoad {
  const require = createRequire(new URL("./package.json", import.meta.url));
  try {
    const emmett = require("@event-driven-io/emmett-sqlite") as EmmettSqlite;
    // dist/index.cjs -> the package's own package.json (its "exports" do not list it).
    const main = require.resolve("@event-driven-io/emmett-sqlite");
    const { version } = JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as {
      version: string;
    };
    return {
      available: true,
      version,
      open: (file) => new EmmettSqliteContender(emmett.getSQLiteEventStore({ fileName: file })),
    };
  } catch (error) {
    return unavailable(error);
  }
}

const RETRIES = 5;

/**
 * emmett-sqlite (0.38.5 as pinned in bench/peers) through its public API, with its own defaults: node-sqlite3, WAL, SQLite's
 * default `synchronous` (FULL), a connection opened and closed around every append. Its stream
 * versions count events, so the exact expected version of a new stream is 0n.
 */
export class EmmettSqliteContender implements LogWriter {
  private readonly versions = new Map<string, bigint>();
  /** Appends that failed with SQLITE_BUSY and were retried (see `append`). */
  busyRetries = 0;

  constructor(private readonly store: EmmettStore) {}

  async append({ streamId, events }: WorkloadAppend): Promise<void> {
    const expectedStreamVersion = this.versions.get(streamId) ?? 0n;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await quietly(() =>
          this.store.appendToStream(streamId, events as { type: string; data: unknown }[], { expectedStreamVersion }),
        );
        this.versions.set(streamId, result.nextExpectedStreamVersion);
        return;
      } catch (error) {
        // node-sqlite3 may still be finalising the `... RETURNING` statement when emmett sends
        // COMMIT, which then fails with "SQL statements in progress" and is rolled back.
        if ((error as { code?: string }).code !== "SQLITE_BUSY" || attempt >= RETRIES) throw error;
        this.busyRetries++;
      }
    }
  }

  async close(): Promise<void> {
    // emmett closes its file connection after every operation.
  }
}

/** emmett `console.log`s failed transactions; stdout must stay clean for `--json`. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

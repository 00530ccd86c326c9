import { notice } from "./notice.js";
import { appendRows } from "./postgres-append.js";
import { claimRows } from "./postgres-claims.js";
import { rebuildRows } from "./postgres-rebuild.js";
import { withPostgresServer } from "./postgres-server.js";
import type { BenchRow } from "./row.js";
import { withScratchDir } from "./scratch-dir.js";
import { workerScalingRows } from "./worker-scaling.js";

/**
 * The postgres suite (issue 8): appends, a rebuild of every projection and the task ledger's
 * claims on PostgreSQL, each beside the same work on a SQLite file in the same run (ratio =
 * PostgreSQL / SQLite), and `colony worker` processes, 1 against 3, on both. Every
 * PostgreSQL measurement gets a database of its own, created for it and dropped after.
 */
export async function run(): Promise<BenchRow[]> {
  return withScratchDir("colonylog-bench-postgres-", (dir) =>
    withPostgresServer(async (server) => {
      notice(`SQLite: files in ${dir} (WAL, synchronous=NORMAL: no flush at each commit)`);
      return [
        ...(await appendRows(server, dir)),
        ...(await rebuildRows(server, dir)),
        ...(await claimRows(server, dir)),
        ...(await workerScalingRows(server, dir)),
      ];
    }),
  );
}

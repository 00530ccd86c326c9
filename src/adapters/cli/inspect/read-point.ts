import { Kysely, SqliteDialect } from "kysely";
import type { AnyProjection } from "../../../projections/projection.js";
import type { ReadModels } from "../../../projections/read-models.js";
import { projectAt } from "../../sqlite/project-at.js";
import { type ProjectionReport, projectionReports } from "../../sqlite/projection-maintenance.js";
import type { SqliteEventStore } from "../../sqlite/sqlite-event-store.js";
import { type CliIo, say } from "../io.js";

/** Read models to read one thing from, as of one position of the log. */
export interface ReadPoint {
  readonly readModels: Kysely<ReadModels>;
  /** The last position the read models include. */
  readonly position: bigint;
  /** The log's head when the verb started. */
  readonly head: bigint;
  /** The --at asked for, if any. */
  readonly at: bigint | undefined;
  close(): Promise<void>;
}

/** Where a read point stands, for a verb's first line. */
export function whereText(at: bigint | undefined, head: bigint): string {
  if (at === undefined) return `at the head (position ${head})`;
  return at <= head ? `at position ${at} (head ${head})` : `at position ${head} (the head; --at ${at} is past it)`;
}

function staleness(report: ProjectionReport | undefined, head: bigint): string {
  if (report?.state === "behind") return `is behind (checkpoint ${report.checkpoint}, head ${head})`;
  if (report?.state === "needs rebuild") {
    return `was built by version ${report.storedVersion} of the projection (this colonylog has ${report.version})`;
  }
  return "was never built here";
}

/**
 * The read models of `projections` as of `at` (time travel: folded into a throwaway database), or
 * now: the tables stored in the file when every one of them is up to date, else the log folded in
 * memory with a note on stderr. The file is never written.
 *
 * A fold only creates the tables of the projections it is given, and names it lacks fall through
 * to the file's own tables (projectAt attaches the log), so `projections` must cover every
 * table the caller reads, or it would read the present in the past.
 */
export async function openReadPoint(
  store: SqliteEventStore,
  projections: readonly AnyProjection[],
  at: bigint | undefined,
  io: CliIo,
): Promise<ReadPoint> {
  const head = await store.headPosition();
  const fold = async () => {
    const folded = await projectAt(store, at ?? head, { projections, warn: () => {} });
    return { readModels: folded.readModels, position: folded.position, head, at, close: () => folded.close() };
  };
  if (at !== undefined) return fold();
  const reports = projectionReports(store.database, projections, head);
  const stale = projections.filter((p) => reports.find((r) => r.name === p.name)?.state !== "up to date");
  if (stale.length === 0) {
    // No destroy(): it would close the store's connection, which the caller closes.
    const readModels = new Kysely<ReadModels>({ dialect: new SqliteDialect({ database: store.database }) });
    return { readModels, position: head, head, at, close: async () => {} };
  }
  for (const p of stale) {
    say(
      io.stderr,
      `the ${p.name} read model in this file ${staleness(
        reports.find((r) => r.name === p.name),
        head,
      )}: folding the log in memory (\`colony projections rebuild ${p.name}\` brings the file up to date)`,
    );
  }
  return fold();
}

import type { Kysely } from "kysely";
import type { AnyProjection } from "../../../projections/projection.js";
import { type ProjectionReport, reportProjections } from "../../../projections/projection-reports.js";
import type { ReadModels } from "../../../projections/read-models.js";
import { projectAt } from "../../sqlite/project-at.js";
import type { StoredLog } from "../../stored-log.js";
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
 * now: the tables stored beside the log when every one of them is up to date, else the log folded
 * in memory with a note on stderr. The stored log is never written, on either engine.
 *
 * Time travel folds into an in-memory SQLite database for a PostgreSQL log too (project-at.ts):
 * the definitions are dialect-neutral, and a fold on the server would need a schema created
 * there (a write, and a privilege a reading role may lack) and dropped again, which a killed
 * process would leave behind; what the fold costs instead is a copy of the log's events up to
 * the point, which the read models join for their text.
 *
 * A fold only creates the tables of the projections it is given, and names it lacks fall through
 * to the file's own tables (projectAt attaches a SQLite log), so `projections` must cover every
 * table the caller reads, or it would read the present in the past.
 */
export async function openReadPoint(
  log: StoredLog,
  projections: readonly AnyProjection[],
  at: bigint | undefined,
  io: CliIo,
): Promise<ReadPoint> {
  const head = await log.events.headPosition();
  const fold = async () => {
    const folded = await projectAt(log.events, at ?? head, { projections, warn: () => {} });
    return { readModels: folded.readModels, position: folded.position, head, at, close: () => folded.close() };
  };
  if (at !== undefined) return fold();
  const reports = reportProjections(await log.checkpoints(), projections, head);
  const stale = projections.filter((p) => reports.find((r) => r.name === p.name)?.state !== "up to date");
  if (stale.length === 0) {
    // The log's own read models: closing the log releases them.
    return { readModels: log.readModels, position: head, head, at, close: async () => {} };
  }
  for (const p of stale) {
    say(
      io.stderr,
      `the ${p.name} read model in this log ${staleness(
        reports.find((r) => r.name === p.name),
        head,
      )}: folding the log in memory (\`colony projections rebuild ${p.name}\` brings the file up to date)`,
    );
  }
  return fold();
}

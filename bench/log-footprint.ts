import Database from "better-sqlite3";

/** What a log file holds, to check that two contenders stored the same rows. */
export interface LogFootprint {
  readonly rows: number;
  readonly dataBytes: number;
  readonly envelopeBytes: number;
  /** The data JSON of the first event, to compare as text. */
  readonly firstData: string | null;
}

export function logFootprint(file: string): LogFootprint {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT count(*) AS rows, total(length(data)) AS dataBytes, total(length(event_id) + length(recorded_at) + coalesce(length(metadata), 0)) AS envelopeBytes,
                (SELECT data FROM events ORDER BY position LIMIT 1) AS firstData
         FROM events`,
      )
      .get() as LogFootprint;
  } finally {
    db.close();
  }
}

/** Throws unless both files hold as many rows, as many bytes of data and of envelope, and the same first data. */
export function assertSameFootprint(ours: string, baseline: string): LogFootprint {
  const a = logFootprint(ours);
  const b = logFootprint(baseline);
  if (
    a.rows !== b.rows ||
    a.dataBytes !== b.dataBytes ||
    a.envelopeBytes !== b.envelopeBytes ||
    a.firstData !== b.firstData
  ) {
    throw new Error(`the contenders stored different rows: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return a;
}

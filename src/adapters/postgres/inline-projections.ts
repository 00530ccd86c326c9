import type { RecordedEvent } from "../../domain/envelope.js";
import type { BatchRange } from "../../projections/projection-store.js";

/** The part of a `pg` client an append transaction lends to what it folds inline. */
export interface SqlClient {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * Projections folded inside the PostgreSQL append transaction (DESIGN §5, inline mode), on the
 * transaction's own client: what the command side reads back right after an append already
 * holds it, and a rolled-back append leaves no read-model row behind.
 */
export interface PostgresInlineProjections {
  /** The lowest checkpoint among them, read inside the open transaction. */
  lowestCheckpoint(tx: SqlClient): Promise<bigint>;
  /** Folds events (position order) covering `range`, in the open transaction. */
  applyWithin(tx: SqlClient, events: readonly RecordedEvent[], range: BatchRange): Promise<void>;
}

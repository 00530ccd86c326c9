import type { RecordedEvent } from "../../domain/envelope.js";

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
  /**
   * Locks their checkpoints until the open transaction ends and reads them, once: the fold this
   * returns continues from what was read, since no one else can move a locked checkpoint.
   */
  lockCheckpoints(tx: SqlClient): Promise<InlineFold>;
}

/** A fold inside one append transaction, from the checkpoints it locked. */
export interface InlineFold {
  /** The lowest of the locked checkpoints: every event after it is to be folded. */
  readonly after: bigint;
  /** Folds events (position order) after `after` through `through`, in the same transaction. */
  apply(events: readonly RecordedEvent[], through: bigint): Promise<void>;
}

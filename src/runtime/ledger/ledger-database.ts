import type { Kysely } from "kysely";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { LedgerReadModel } from "../../projections/ledger/ledger-projection.js";

/**
 * What the task ledger runs on: the log, and the progress ledger read model in a database whose
 * every append folds that projection in its own transaction (inline; on SQLite
 * `openColonyDatabase(file, { inline: ["progress_ledger"] })`). The claim path reads its
 * candidates from the ledger right after other claims commit, so a ledger folded later by a
 * runner would only show tasks already taken: correct (the log refuses the second claim) but
 * slow. Any read-model type that holds the ledger's tables will do.
 */
export interface LedgerDatabase<DB extends LedgerReadModel = LedgerReadModel> {
  readonly events: EventStore;
  readonly readModels: Kysely<DB>;
}

/** The ledger's own tables, whatever else the read-model database holds. */
export function ledgerTables<DB extends LedgerReadModel>(readModels: Kysely<DB>): Kysely<LedgerReadModel> {
  return readModels as unknown as Kysely<LedgerReadModel>;
}

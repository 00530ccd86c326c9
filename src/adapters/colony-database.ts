import type { Kysely } from "kysely";
import type { EventStore } from "../domain/ports/event-store.js";
import type { ProjectionRunner } from "../projections/projection-runner.js";
import type { ProjectionStore } from "../projections/projection-store.js";
import type { ReadModels } from "../projections/read-models.js";

/**
 * The log and its read models in one database, whichever engine holds them (DESIGN §5: the same
 * database by default): what the command API, the worker pool and the CLI verbs compose over.
 */
export interface ColonyDatabase {
  readonly events: EventStore;
  /** Projections the runner feeds after the fact. */
  readonly projections: ProjectionStore;
  /** Projections every append folds in its own transaction. */
  readonly inlineProjections: ProjectionStore;
  readonly runner: ProjectionRunner;
  readonly readModels: Kysely<ReadModels>;
  close(): Promise<void>;
}

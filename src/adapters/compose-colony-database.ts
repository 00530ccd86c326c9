import type { Kysely } from "kysely";
import type { EventStore } from "../domain/ports/event-store.js";
import type { AnyProjection } from "../projections/projection.js";
import { ProjectionRunner, type RunnerOptions } from "../projections/projection-runner.js";
import type { ProjectionStore } from "../projections/projection-store.js";
import { allProjections, type ReadModels } from "../projections/read-models.js";
import type { ColonyDatabase } from "./colony-database.js";

export interface ComposeOptions extends RunnerOptions {
  readonly projections?: readonly AnyProjection[];
  /** Names of projections folded inside each append transaction, for read-your-writes. */
  readonly inline?: readonly string[];
}

/** What an engine brings to a colony database: its log, its projection stores and reads. */
export interface EngineParts<Events extends EventStore, Store extends ProjectionStore> {
  readonly events: Events;
  /** A projection store of the engine holding these projections. */
  storeOf(projections: readonly AnyProjection[]): Store;
  /** From now on every append folds `store` in its own transaction. */
  attachInline(events: Events, store: Store): void;
  readonly readModels: Kysely<ReadModels>;
  /** Releases what the engine opened besides the log (which closes first). */
  closeRest?(): Promise<void>;
}

export interface ComposedColonyDatabase<Events extends EventStore, Store extends ProjectionStore>
  extends ColonyDatabase {
  readonly events: Events;
  readonly projections: Store;
  readonly inlineProjections: Store;
}

/**
 * One database holding the log and its read models (DESIGN §5: the same database by default),
 * whichever engine: the projections named inline are folded in every append's transaction, the
 * others by the runner after the fact. Inline projections first catch up with whatever was
 * written without them, then ride appends.
 */
export async function composeColonyDatabase<Events extends EventStore, Store extends ProjectionStore>(
  engine: EngineParts<Events, Store>,
  options: ComposeOptions,
): Promise<ComposedColonyDatabase<Events, Store>> {
  const all = options.projections ?? allProjections;
  const inlineNames = new Set(options.inline ?? []);
  const close = async () => {
    await engine.events.close();
    await engine.closeRest?.();
  };
  try {
    for (const name of inlineNames) {
      if (!all.some((p) => p.name === name)) throw new Error(`inline projection ${name} is not among the projections`);
    }
    const projections = engine.storeOf(all.filter((p) => !inlineNames.has(p.name)));
    const inlineProjections = engine.storeOf(all.filter((p) => inlineNames.has(p.name)));
    await projections.prepare();
    await inlineProjections.prepare();
    if (inlineNames.size > 0) {
      await new ProjectionRunner(engine.events, inlineProjections, options).catchUp();
      engine.attachInline(engine.events, inlineProjections);
    }
    return {
      events: engine.events,
      projections,
      inlineProjections,
      runner: new ProjectionRunner(engine.events, projections, options),
      readModels: engine.readModels,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

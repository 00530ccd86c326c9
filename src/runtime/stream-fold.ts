import type { RecordedEvent } from "../domain/envelope.js";
import type { StreamRevision } from "../domain/errors.js";
import type { EventStore } from "../domain/ports/event-store.js";

/** A stream folded up to a version. */
export interface FoldedStream<State> {
  readonly state: State;
  readonly version: StreamRevision;
}

/**
 * One stream's fold kept between commands: each `load` reads only the events appended since the
 * last, by this process or any other. A stream's events never change and its versions are dense,
 * so folding on from the version reached gives the state a full read would. It serves streams
 * that one service commands again and again (a colony's stream grows by a TriggerFired per
 * firing, and reading it whole made each firing cost more than the one before).
 *
 * `evolve` must be pure: the state handed out is never changed afterwards.
 */
export class CachedStreamFold<State> {
  private folded: FoldedStream<State>;

  constructor(
    private readonly store: EventStore,
    readonly streamId: string,
    private readonly evolve: (state: State, event: RecordedEvent) => State,
    initialState: State,
  ) {
    this.folded = { state: initialState, version: "no_stream" };
  }

  async load(): Promise<FoldedStream<State>> {
    const from = this.folded.version === "no_stream" ? 0n : this.folded.version + 1n;
    for await (const event of this.store.readStream(this.streamId, { from })) {
      // Two loads may read the same new events; the first to get here folds each one.
      const { state, version } = this.folded;
      if (version !== "no_stream" && event.version <= version) continue;
      this.folded = { state: this.evolve(state, event), version: event.version };
    }
    return this.folded;
  }
}

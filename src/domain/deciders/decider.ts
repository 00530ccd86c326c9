import type { EventData, EventType } from "../events/catalogue.js";

/** An event as a decider emits it: a catalogue type and its data, no envelope. */
export interface DomainEvent<T extends EventType = EventType> {
  readonly type: T;
  readonly data: EventData<T>;
}

/** The union of the domain events of the given types, discriminated by `type`. */
export type EventOf<Types extends EventType> = { [T in Types]: DomainEvent<T> }[Types];

/**
 * An event being folded. Stored events carry their envelope; only `recordedAt` matters to a fold,
 * for the rules that depend on age (stale claims, resurrection cooldowns), so folds of hand-made
 * events without it stay possible.
 */
export type Folded<E> = E & { readonly metadata?: { readonly recordedAt?: string } };

/**
 * One aggregate's rules (DESIGN §6): `evolve` folds the events of its stream into the state,
 * `decide` turns a command and that state into new events or throws a CommandRefusedError.
 * Both are pure, so they are tested given events / when command / then events or refusal.
 */
export interface Decider<Command, State, Event> {
  readonly initialState: State;
  evolve(state: State, event: Folded<Event>): State;
  decide(command: Command, state: State): Event[];
}

export function fold<State, Event>(
  decider: Pick<Decider<unknown, State, Event>, "initialState" | "evolve">,
  events: Iterable<Folded<Event>>,
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

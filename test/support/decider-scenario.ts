import { expect } from "vitest";
import { type Decider, type Folded, fold } from "../../src/domain/deciders/decider.js";
import { CommandRefusedError } from "../../src/domain/deciders/refusal.js";
import { catalogue } from "../../src/domain/events/catalogue.js";
import type { Category } from "../../src/domain/stream-id.js";

/**
 * Given events / when command / then events or refusal (DESIGN §10). Every event a decider emits
 * is also checked against the catalogue, so a decision the store would refuse fails here first.
 */
export function scenario<Command, State, Event extends { type: string; data: unknown }>(
  decider: Decider<Command, State, Event>,
  category: Category,
) {
  return {
    given(...events: Folded<Event>[]) {
      const state = fold(decider, events);
      return {
        state,
        when(command: Command) {
          const decide = () => decider.decide(command, state);
          return {
            thenEmits(expected: Event[]): void {
              const decided = decide();
              expect(decided).toEqual(expected);
              for (const [index, event] of decided.entries()) {
                catalogue.validate(category, event.type, event.data, { index });
              }
            },
            thenRefused(code: string, details?: Record<string, unknown>): CommandRefusedError {
              let caught: unknown;
              try {
                decide();
              } catch (error) {
                caught = error;
              }
              expect(caught, `expected a refusal with code ${code}`).toBeInstanceOf(CommandRefusedError);
              const refusal = caught as CommandRefusedError;
              expect(refusal.code).toBe(code);
              if (details) expect(refusal.details).toMatchObject(details);
              return refusal;
            },
          };
        },
      };
    },
  };
}

/** An event as the store returns it: with the time it was recorded. */
export function at<E>(recordedAt: string, event: E): Folded<E> {
  return { ...event, metadata: { recordedAt } };
}

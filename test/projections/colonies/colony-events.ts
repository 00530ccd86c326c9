import type { NewEvent } from "../../../src/domain/envelope.js";
import type { EventInput, EventType } from "../../../src/domain/events/catalogue.js";
import { coloniesProjection } from "../../../src/projections/colonies/colonies-projection.js";
import { delegationsProjection } from "../../../src/projections/colonies/delegations-projection.js";
import { idempotencyKeysProjection } from "../../../src/projections/colonies/idempotency-keys-projection.js";
import { sessionsProjection } from "../../../src/projections/colonies/sessions-projection.js";
import { triggersProjection } from "../../../src/projections/colonies/triggers-projection.js";
import { sample } from "../../support/sample-events.js";

/** Second `n` of a fixed minute, so the tests can name the timestamps they expect. */
export const time = (n: number) => new Date(Date.UTC(2026, 3, 1, 12, 0, n)).toISOString();

/** A sample event recorded at `time(n)`. */
export function at<T extends EventType>(n: number, type: T, overrides: Partial<EventInput<T>> = {}): NewEvent<T> {
  return { ...sample(type, overrides), metadata: { recordedAt: time(n) } };
}

export const colonyProjections = [
  coloniesProjection,
  triggersProjection,
  sessionsProjection,
  delegationsProjection,
  idempotencyKeysProjection,
];

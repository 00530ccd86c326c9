import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../../src/adapters/eventstoredb/event-codec.js";
import { matchRetry } from "../../../src/adapters/eventstoredb/retry-match.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import { EventIdConflictError } from "../../../src/domain/errors.js";
import { catalogue } from "../../../src/domain/events/catalogue.js";
import { type PreparedAppend, prepareAppend } from "../../../src/domain/prepare-append.js";
import { ManualTime } from "../../support/manual-time.js";
import { sample } from "../../support/sample-events.js";

const uuid = (n: number) => `0190a000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;

function prepared(events: { type: "WorkerQueued" | "WorkerStarted"; id: number; reason?: string }[]): PreparedAppend {
  const [append] = prepareAppend(
    { catalogue, clock: new ManualTime("2025-02-02T00:00:00.000Z"), ids: new UuidV7Generator() },
    [
      {
        streamId: "worker-r",
        expectedVersion: 7n,
        events: events.map(({ type, id, reason }) => ({
          ...(type === "WorkerQueued" ? sample(type, reason === undefined ? {} : { reason }) : sample(type)),
          metadata: { eventId: uuid(id) },
        })),
      },
    ],
  );
  return append as PreparedAppend;
}

/** The first append as stored an hour earlier, at versions from 4 on. */
function storedAs(append: PreparedAppend, firstVersion = 4n): Map<string, StoredEvent> {
  return new Map(
    append.events.map((event, i) => [
      event.metadata.eventId,
      {
        position: 2_000n + BigInt(i) * 300n,
        streamId: append.streamId,
        version: firstVersion + BigInt(i),
        type: event.type,
        data: event.data,
        metadata: { ...event.metadata, recordedAt: "2025-02-01T23:00:00.000Z" },
      },
    ]),
  );
}

const first = prepared([
  { type: "WorkerQueued", id: 10 },
  { type: "WorkerStarted", id: 11 },
]);

describe("recognising a retried append", () => {
  it("is no retry when none of its ids is stored", () => {
    expect(matchRetry(first, new Map(), catalogue)).toBeUndefined();
  });

  it("answers an exact retry with the events as stored the first time, whatever it expected", () => {
    const result = matchRetry(first, storedAs(first), catalogue);
    expect(result?.streamId).toBe("worker-r");
    expect(result?.nextExpectedVersion).toBe(5n);
    expect(result?.events.map((e) => [e.version, e.position, e.metadata.recordedAt])).toEqual([
      [4n, 2_000n, "2025-02-01T23:00:00.000Z"],
      [5n, 2_300n, "2025-02-01T23:00:00.000Z"],
    ]);
  });

  const refused: [string, PreparedAppend, Map<string, StoredEvent>, number][] = [
    [
      "an id reused for different data",
      prepared([{ type: "WorkerQueued", id: 10, reason: "other" }]),
      storedAs(first),
      10,
    ],
    [
      "a stored id after a new one",
      prepared([
        { type: "WorkerStarted", id: 21 },
        { type: "WorkerQueued", id: 10 },
      ]),
      storedAs(first),
      10,
    ],
    [
      "a retry extended by a new event",
      prepared([
        { type: "WorkerQueued", id: 10 },
        { type: "WorkerStarted", id: 11 },
        { type: "WorkerStarted", id: 12 },
      ]),
      storedAs(first),
      12,
    ],
    [
      "the stored events out of order",
      prepared([
        { type: "WorkerStarted", id: 11 },
        { type: "WorkerQueued", id: 10 },
      ]),
      storedAs(first),
      10,
    ],
  ];
  for (const [what, append, found, id] of refused) {
    it(`refuses ${what}, naming the id`, () => {
      const attempt = () => matchRetry(append, found, catalogue);
      expect(attempt).toThrow(EventIdConflictError);
      try {
        attempt();
      } catch (error) {
        expect((error as EventIdConflictError).eventId).toBe(uuid(id));
        expect((error as EventIdConflictError).streamId).toBe("worker-r");
      }
    });
  }

  it("refuses the same events stored apart (not contiguous)", () => {
    const found = storedAs(first);
    const second = found.get(uuid(11));
    if (second) found.set(uuid(11), { ...second, version: 9n });
    expect(() => matchRetry(first, found, catalogue)).toThrow(EventIdConflictError);
  });
});

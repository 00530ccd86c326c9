import type {
  AllStreamJSONRecordedEvent,
  AllStreamResolvedEvent,
  JSONEventType,
  ResolvedEvent,
} from "@eventstore/db-client";
import { describe, expect, it } from "vitest";
import { UnsupportedRecordError } from "../../../src/adapters/eventstoredb/errors.js";
import { encodeEvent, recordedEventOf, storedEventOf } from "../../../src/adapters/eventstoredb/event-codec.js";
import { StreamNames } from "../../../src/adapters/eventstoredb/stream-names.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import { catalogue, EventCatalogue, eventGroups } from "../../../src/domain/events/catalogue.js";
import { prepareAppend } from "../../../src/domain/prepare-append.js";
import { ManualTime } from "../../support/manual-time.js";
import { sample } from "../../support/sample-events.js";

const EVENT_ID = "0190A000-0000-7000-8000-0000000000AB";

type AllStreamEvent = NonNullable<AllStreamResolvedEvent["event"]>;

/** An event of $all as the client hands it over: the client's own type, checked by the compiler. */
const queued: AllStreamJSONRecordedEvent = {
  streamId: "ns:worker-w1",
  id: EVENT_ID,
  isJson: true,
  revision: 3n,
  type: "WorkerQueued",
  created: new Date("2025-01-01T00:00:01.000Z"),
  data: { reason: "capacity" },
  metadata: {
    schemaVersion: 1,
    recordedAt: "2025-01-01T00:00:00.000Z",
    $correlationId: "corr-1",
    $causationId: "cause-1",
    actor: "queen",
  },
  position: { commit: 4_096n, prepare: 4_096n },
};

/** The same event with some fields as a server or an older one might send them. */
function fromAll(overrides: Partial<Record<keyof AllStreamEvent, unknown>> = {}): AllStreamResolvedEvent {
  return { event: { ...queued, ...overrides } as AllStreamEvent, commitPosition: 4_096n };
}

const names = new StreamNames("ns");

describe("an event the server sends, as this log's", () => {
  it("takes its position from the commit position, its version from the revision, its id as ours", () => {
    const stored = storedEventOf(fromAll(), names);
    expect(stored).toEqual({
      position: 8_192n,
      streamId: "worker-w1",
      version: 3n,
      type: "WorkerQueued",
      data: { reason: "capacity" },
      metadata: {
        eventId: EVENT_ID.toLowerCase(),
        correlationId: "corr-1",
        causationId: "cause-1",
        actor: "queen",
        recordedAt: "2025-01-01T00:00:00.000Z",
        schemaVersion: 1,
      },
    });
    expect(Object.keys(stored?.metadata ?? {})).toEqual([
      "eventId",
      "correlationId",
      "causationId",
      "actor",
      "recordedAt",
      "schemaVersion",
    ]);
  });

  it("reads a stream read's event (position optional there) the same way", () => {
    const fromStream: ResolvedEvent<JSONEventType> = { event: queued };
    expect(storedEventOf(fromStream, names)?.position).toBe(8_192n);
  });

  it("is nothing of this log when it is a system event, another namespace's or another application's", () => {
    const link: AllStreamResolvedEvent = {
      event: {
        streamId: "$ce-worker",
        id: "0190a000-0000-7000-8000-0000000000ac",
        isJson: false,
        revision: 0n,
        type: "$>",
        created: new Date(),
        data: new TextEncoder().encode("3@ns:worker-w1"),
        metadata: undefined,
        position: { commit: 4_300n, prepare: 4_300n },
      },
    };
    expect(storedEventOf(link, names)).toBeUndefined();
    expect(storedEventOf(fromAll({ streamId: "$$ns:worker-w1", type: "$metadata" }), names)).toBeUndefined();
    expect(storedEventOf(fromAll({ streamId: "other:worker-w1" }), names)).toBeUndefined();
    expect(storedEventOf(fromAll({ streamId: "worker-w1" }), names)).toBeUndefined();
    expect(storedEventOf(fromAll({ streamId: "ns:orders-1" }), names)).toBeUndefined();
    expect(storedEventOf({ commitPosition: 5n }, names)).toBeUndefined();
  });

  const refusals: [string, Partial<Record<keyof AllStreamEvent, unknown>>, RegExp][] = [
    ["without a log position", { position: undefined }, /no log position/],
    [
      "with the position older servers put on stream reads",
      { position: { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n } },
      /no log position/,
    ],
    ["from an explicit transaction", { position: { commit: 9_000n, prepare: 4_096n } }, /explicit transaction/],
    ["with binary data", { isJson: false, data: new Uint8Array([1]) }, /not a JSON object/],
    ["without a schema version", { metadata: { recordedAt: "2025-01-01T00:00:00.000Z" } }, /schemaVersion/],
    ["with metadata that is not JSON", { metadata: new Uint8Array([1]) }, /not a JSON object/],
  ];
  for (const [what, overrides, reason] of refusals) {
    it(`is refused ${what}, naming the record`, () => {
      const attempt = () => storedEventOf(fromAll(overrides), names);
      expect(attempt).toThrow(UnsupportedRecordError);
      expect(attempt).toThrow(reason);
      expect(attempt).toThrow(/^EventStoreDB record ns:worker-w1@3: /);
    });
  }

  it("is upcast for readers, keeping the stored schema version until then", () => {
    const v2 = new EventCatalogue(eventGroups, {
      WorkerQueued: {
        schemaVersion: 2,
        upcasters: { 1: (data) => ({ reason: `legacy: ${(data as { reason: string }).reason}` }) },
      },
    });
    const stored = storedEventOf(fromAll(), names);
    if (!stored) throw new Error("expected the event");
    expect(stored.metadata.schemaVersion).toBe(1);
    const read = recordedEventOf(stored, v2);
    expect(read.data).toEqual({ reason: "legacy: capacity" });
    expect(read.metadata.schemaVersion).toBe(2);
    expect(recordedEventOf(stored, catalogue)).toEqual({ ...stored });
  });
});

describe("an event as it is sent to the server", () => {
  it("is JSON with our id, type and envelope, and reads back as the same event", () => {
    const [append] = prepareAppend({ catalogue, clock: new ManualTime(), ids: new UuidV7Generator() }, [
      {
        streamId: "worker-w1",
        events: [
          { ...sample("WorkerQueued"), metadata: { eventId: EVENT_ID, correlationId: "corr-1", actor: "queen" } },
        ],
        expectedVersion: "any",
      },
    ]);
    const prepared = append?.events[0];
    if (!prepared) throw new Error("expected a prepared event");
    const sent = encodeEvent(prepared);
    expect(sent).toEqual({
      id: EVENT_ID.toLowerCase(),
      contentType: "application/json",
      type: "WorkerQueued",
      data: sample("WorkerQueued").data,
      metadata: { schemaVersion: 1, recordedAt: "2025-01-01T00:00:00.000Z", $correlationId: "corr-1", actor: "queen" },
    });
    const stored = storedEventOf(
      fromAll({ id: sent.id, type: sent.type, data: sent.data, metadata: sent.metadata }),
      names,
    );
    expect(stored && recordedEventOf(stored, catalogue)).toEqual({
      position: 8_192n,
      streamId: "worker-w1",
      version: 3n,
      type: "WorkerQueued",
      data: prepared.data,
      metadata: prepared.metadata,
    });
  });
});

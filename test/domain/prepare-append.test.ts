import { describe, expect, it } from "vitest";
import { catalogue } from "../../src/domain/events/catalogue.js";
import { prepareAppend } from "../../src/domain/prepare-append.js";
import { sample } from "../support/sample-events.js";

const fixed = {
  catalogue,
  clock: { now: () => new Date("2026-11-22T10:00:00.000Z") },
  ids: { uuid: () => "0190a000-0000-7000-8000-000000000001" },
};

describe("prepareAppend", () => {
  it("stamps id, time and schema version, keeping what the writer gave", () => {
    const [prepared] = prepareAppend(fixed, [
      {
        streamId: "worker-w1",
        expectedVersion: "no_stream",
        events: [{ ...sample("WorkerStarted"), metadata: { actor: "runtime" } }],
      },
    ]);
    expect(prepared?.events[0]?.metadata).toEqual({
      actor: "runtime",
      eventId: "0190a000-0000-7000-8000-000000000001",
      recordedAt: "2026-11-22T10:00:00.000Z",
      schemaVersion: 1,
    });
  });

  it("keeps a given recordedAt, for imported history", () => {
    const [prepared] = prepareAppend(fixed, [
      {
        streamId: "worker-w1",
        expectedVersion: "any",
        events: [{ ...sample("WorkerStarted"), metadata: { recordedAt: "2020-01-01T00:00:00.000Z" } }],
      },
    ]);
    expect(prepared?.events[0]?.metadata.recordedAt).toBe("2020-01-01T00:00:00.000Z");
  });

  it("validates every stream before returning anything", () => {
    expect(() =>
      prepareAppend(fixed, [
        { streamId: "worker-w1", expectedVersion: "any", events: [sample("WorkerStarted")] },
        { streamId: "task-t1", expectedVersion: "any", events: [sample("WorkerStarted")] },
      ]),
    ).toThrow(/WorkerStarted belongs to worker streams, not task/);
  });
});

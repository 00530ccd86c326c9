import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../src/domain/errors.js";
import { catalogue, EventCatalogue, eventGroups } from "../../src/domain/events/catalogue.js";
import { categories } from "../../src/domain/stream-id.js";
import { samples } from "../support/sample-events.js";

describe("event catalogue", () => {
  it("registers every event type of DESIGN §3 in all six categories", () => {
    expect(new Set(Object.values(eventGroups).flatMap((group) => Object.keys(group)))).toEqual(
      new Set(catalogue.types),
    );
    expect(Object.keys(eventGroups).sort()).toEqual([...categories].sort());
    expect(catalogue.types.sort()).toEqual(Object.keys(samples).sort());
    expect(catalogue.types).toHaveLength(36);
  });

  it("accepts a valid payload of every type in its own category, at schema version 1", () => {
    for (const type of catalogue.types) {
      const definition = catalogue.get(type);
      expect(definition, type).toBeDefined();
      const result = catalogue.validate(definition?.category ?? "", type, samples[type as keyof typeof samples]);
      expect(result.schemaVersion).toBe(1);
    }
  });

  it("refuses a missing field, naming it", () => {
    const { goal: _goal, ...withoutGoal } = samples.TaskSeeded;
    expect(() => catalogue.validate("task", "TaskSeeded", withoutGoal, { streamId: "task-t1", index: 4 })).toThrow(
      /^task-t1 event\[4\] TaskSeeded: data\.goal: Invalid input/,
    );
  });

  it("refuses unknown fields rather than silently dropping them", () => {
    expect(() => catalogue.validate("worker", "WorkerStopped", { reason: "x", reson: "typo" })).toThrow(
      /Unrecognized key: "reson"/,
    );
  });

  it("refuses nested problems with their full path", () => {
    const data = { ...samples.TaskSeeded, steps: [{ seq: 1, title: "", detail: null }] };
    try {
      catalogue.validate("task", "TaskSeeded", data);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).issues.map((i) => i.path)).toEqual(["data.steps.0.title"]);
    }
  });

  it("keeps tool call ids on tool parts only", () => {
    expect(() =>
      catalogue.validate("conversation", "MessagePartAppended", { seq: 1, role: "tool", content: "42" }),
    ).toThrow(/toolCallId/);
    expect(() =>
      catalogue.validate("conversation", "MessagePartAppended", {
        seq: 1,
        role: "user",
        content: "hi",
        toolCallId: "c1",
      }),
    ).toThrow(/only tool parts/);
  });

  describe("upcasting", () => {
    const evolved = new EventCatalogue(eventGroups, {
      WorkerQueued: {
        schemaVersion: 3,
        upcasters: {
          1: (data) => ({ ...(data as object), queuedBehind: 0 }),
          2: (data) => ({ ...(data as object), reason: (data as { reason: string }).reason.toUpperCase() }),
        },
      },
    });

    it("chains upcasters from the stored version to the current one", () => {
      expect(evolved.upcast("WorkerQueued", 1, { reason: "cap" })).toEqual({
        data: { reason: "CAP", queuedBehind: 0 },
        schemaVersion: 3,
      });
      expect(evolved.upcast("WorkerQueued", 2, { reason: "cap", queuedBehind: 5 })).toEqual({
        data: { reason: "CAP", queuedBehind: 5 },
        schemaVersion: 3,
      });
    });

    it("leaves current and unknown types untouched", () => {
      const data = { reason: "cap" };
      expect(evolved.upcast("WorkerQueued", 3, data).data).toBe(data);
      expect(evolved.upcast("SomethingNew", 1, data)).toEqual({ data, schemaVersion: 1 });
    });

    it("refuses a version without its upcaster when the catalogue is built", () => {
      expect(() => new EventCatalogue(eventGroups, { WorkerQueued: { schemaVersion: 2, upcasters: {} } })).toThrow(
        /no upcaster from schema version 1/,
      );
    });
  });
});

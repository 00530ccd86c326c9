import { describe, expect, it } from "vitest";
import { StreamNames } from "../../../src/adapters/eventstoredb/stream-names.js";
import { isSystemEvent, liveFilter } from "../../../src/adapters/eventstoredb/system-events.js";
import { ColonyError } from "../../../src/domain/errors.js";

describe("system events", () => {
  it("are the server's streams and event types, both spelled with a leading $", () => {
    expect(isSystemEvent("$ce-worker", "$>")).toBe(true);
    expect(isSystemEvent("$$worker-w1", "$metadata")).toBe(true);
    expect(isSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")).toBe(true);
    expect(isSystemEvent("worker-w1", "$streamDeleted")).toBe(true);
    expect(isSystemEvent("worker-w1", "WorkerQueued")).toBe(false);
  });

  it("are left out of the live subscription by the server: by event type, or by the namespace's prefix", () => {
    expect(liveFilter(undefined)).toMatchObject({ filterOn: "eventType", regex: "^[^$].*" });
    expect(liveFilter("t1:")).toMatchObject({ filterOn: "streamName", prefixes: ["t1:"] });
  });
});

describe("stream names on the server", () => {
  it("are the stream ids themselves without a namespace", () => {
    const names = new StreamNames();
    expect(names.stored("worker-w1")).toBe("worker-w1");
    expect(names.streamIdOf("worker-w1", "WorkerQueued")).toBe("worker-w1");
  });

  it("take a namespace prefix, and only that namespace's streams are the log's", () => {
    const names = new StreamNames("tenant_7");
    expect(names.stored("task-t1")).toBe("tenant_7:task-t1");
    expect(names.streamIdOf("tenant_7:task-t1", "TaskSeeded")).toBe("task-t1");
    expect(names.streamIdOf("tenant_8:task-t1", "TaskSeeded")).toBeUndefined();
    expect(names.streamIdOf("task-t1", "TaskSeeded")).toBeUndefined();
  });

  it("leave out system events, other namespaces and other applications' streams", () => {
    const names = new StreamNames();
    expect(names.streamIdOf("$ce-worker", "$>")).toBeUndefined();
    expect(names.streamIdOf("$$worker-w1", "$metadata")).toBeUndefined();
    expect(names.streamIdOf("tenant_7:task-t1", "TaskSeeded")).toBeUndefined();
    expect(names.streamIdOf("orders-1", "OrderPlaced")).toBeUndefined();
  });

  it("tell which stream ids a read could find at all", () => {
    const names = new StreamNames("ns");
    expect(names.isColonyStream("conversation-k1")).toBe(true);
    expect(names.isColonyStream("$all")).toBe(false);
    expect(names.isColonyStream("robot-r1")).toBe(false);
  });

  it("refuse a namespace that could collide with a stream id or the server's names", () => {
    for (const bad of ["", "$ns", "a:b", "a-b", "x".repeat(65)]) {
      const error = (() => {
        try {
          new StreamNames(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ColonyError);
      expect((error as ColonyError).code).toBe("invalid_argument");
    }
  });
});

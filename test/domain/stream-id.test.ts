import { describe, expect, it } from "vitest";
import { categories, categoryOf, parseStreamId, streamId } from "../../src/domain/stream-id.js";

describe("stream ids", () => {
  it("builds and parses category-id for every category", () => {
    for (const category of categories) {
      const name = streamId(category, "01JD-abc_1");
      expect(name).toBe(`${category}-01JD-abc_1`);
      expect(parseStreamId(name)).toEqual({ category, id: "01JD-abc_1" });
    }
  });

  it("takes the category from before the first dash, as EventStoreDB does", () => {
    expect(parseStreamId("idempotency-webhook-delivery-42")).toEqual({
      category: "idempotency",
      id: "webhook-delivery-42",
    });
    expect(categoryOf("worker-a-b")).toBe("worker");
    expect(categoryOf("nodash")).toBe("nodash");
  });

  it.each([
    ["", /expected category-id/],
    ["worker", /expected category-id/],
    ["-w1", /expected category-id/],
    ["robot-w1", /unknown category "robot"/],
    ["worker-", /the id must be/],
    ["worker-a b", /the id must be/],
    ["worker-../../etc/passwd", /the id must be/],
    [`worker-${"x".repeat(201)}`, /the id must be/],
  ])("refuses %j", (name, message) => {
    expect(() => parseStreamId(name)).toThrow(message);
  });

  it("refuses to build a stream id from an id that could not be parsed back", () => {
    expect(() => streamId("task", "a/b")).toThrow(/invalid stream id "task-a\/b"/);
  });
});

import { describe, expect, it } from "vitest";
import { PartDataCache, partData } from "../../../src/projections/conversations/part-data.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { part, sample } from "../../support/sample-events.js";

const open = colonyDatabases();
const data = (seq: number, content = "x".repeat(40)) => ({ seq, role: "user" as const, content });

describe("part data: the log's text, parsed once per process", () => {
  it("evicts the least recently read part once over its byte budget", () => {
    // Each entry counts its text plus 160 bytes of overhead: 200 here, so two fit in 450.
    const cache = new PartDataCache(450);
    cache.set(1, data(0));
    cache.set(2, data(1));
    expect(cache.get(1)?.seq).toBe(0);
    cache.set(3, data(2));
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)?.seq).toBe(0);
    expect(cache.get(3)?.seq).toBe(2);
  });

  it("reads every position asked for, in order, even when they outgrow the cache", async () => {
    const db = await open({ projections: [] });
    await db.events.append(
      "conversation-k1",
      [sample("ConversationStarted", { conversationId: "k1" }), ...[0, 1, 2, 3].map((seq) => part(seq, `text ${seq}`))],
      { expectedVersion: "no_stream" },
    );
    const tiny = new PartDataCache(1);
    const read = await partData(db.readModels, tiny, [5, 2, 4, 3]);
    expect(read.map((d) => d.content)).toEqual(["text 3", "text 0", "text 2", "text 1"]);
    await expect(partData(db.readModels, tiny, [1])).rejects.toThrow(/no MessagePartAppended at log position 1/);
  });

  it("reads a long list of positions a few at a time, in the order asked", async () => {
    const db = await open({ projections: [] });
    await db.events.append(
      "conversation-k1",
      [
        sample("ConversationStarted", { conversationId: "k1" }),
        ...[0, 1, 2, 3, 4].map((seq) => part(seq, `text ${seq}`)),
      ],
      { expectedVersion: "no_stream" },
    );
    const read = await partData(db.readModels, new PartDataCache(), [6, 2, 5, 3, 4], 2);
    expect(read.map((d) => d.content)).toEqual(["text 4", "text 0", "text 3", "text 1", "text 2"]);
  });
});

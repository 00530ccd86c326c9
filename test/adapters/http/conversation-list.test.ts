import { describe, expect, it } from "vitest";
import { apiHosts } from "./api-fixture.js";

const hosts = apiHosts();

describe("the conversations (the fork tree)", () => {
  it("lists every conversation of the demo with its owner and the parent and version it forked from", async () => {
    const { host, run } = await hosts.demo();
    const { client } = await hosts.listen(host);
    const { data, response } = await client.GET("/api/conversations");
    expect(response.status).toBe(200);
    const conversations = data?.conversations ?? [];
    const byId = new Map(conversations.map((c) => [c.conversation_id, c]));
    // The person's queen, the colony queen, four workers, the delegation and the replay.
    expect(conversations).toHaveLength(8);
    const started = conversations.map((c) => c.started_at);
    expect(started).toEqual([...started].sort());

    expect(byId.get(run.queenConversationId)).toMatchObject({
      owner: { kind: "queen" },
      parent_id: null,
      parent_version: null,
      fork_reason: null,
      root_id: run.queenConversationId,
      depth: 0,
      compacted_through_seq: null,
    });
    const colony = byId.get(run.colonyConversationId);
    expect(colony).toMatchObject({
      parent_id: run.queenConversationId,
      fork_reason: `colony_spawn:${run.colonyId}`,
      root_id: run.queenConversationId,
      depth: 1,
      compacted_through_seq: expect.any(Number),
    });
    const worker = byId.get(run.checkpoint.conversationId);
    expect(worker).toMatchObject({
      owner: { kind: "worker", id: run.checkpoint.workerId },
      parent_id: run.colonyConversationId,
      fork_reason: "spawn",
      depth: 2,
      // Inherited parts are not its own.
      compacted_through_seq: colony?.compacted_through_seq,
    });
    expect(byId.get(run.replay.conversationId)).toMatchObject({
      owner: { kind: "worker", id: run.replay.workerId },
      parent_id: run.checkpoint.conversationId,
      parent_version: run.replay.fromVersion,
      depth: 3,
    });

    // Each entry agrees with the conversation read of the same id.
    for (const summary of conversations) {
      const one = await client.GET("/api/conversations/{conversation_id}", {
        params: { path: { conversation_id: summary.conversation_id }, query: { history: "true" } },
      });
      expect(one.data).toMatchObject({
        owner: summary.owner,
        parent_id: summary.parent_id,
        parent_version: summary.parent_version,
        root_id: summary.root_id,
        depth: summary.depth,
        last_version: summary.last_version,
      });
      expect(summary.part_count).toBe(
        one.data?.parts.filter((p) => p.conversation_id === summary.conversation_id).length,
      );
    }
  });

  it("is empty on an empty log, and grows with a session started through the API", async () => {
    const { host } = await hosts.empty();
    const { client } = await hosts.listen(host);
    expect((await client.GET("/api/conversations")).data).toEqual({ conversations: [] });
    const session = await client.POST("/api/sessions", { body: {} });
    const { data } = await client.GET("/api/conversations");
    expect(data?.conversations).toEqual([
      expect.objectContaining({
        conversation_id: session.data?.conversation_id,
        parent_id: null,
        depth: 0,
        last_version: 0,
        part_count: 0,
      }),
    ]);
  });
});

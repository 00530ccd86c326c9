import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { describe, expect, it } from "vitest";
import { compactionBody, partBody } from "../../../src/adapters/http/reads/conversation-at.js";
import { SqliteProjectionStore } from "../../../src/adapters/sqlite/sqlite-projection-store.js";
import { conversationsProjection } from "../../../src/projections/conversations/conversations-projection.js";
import { conversationHistory, liveContext } from "../../../src/projections/conversations/live-context.js";
import { ProjectionRunner } from "../../../src/projections/projection-runner.js";
import type { ReadModels } from "../../../src/projections/read-models.js";
import { apiHosts } from "./api-fixture.js";

const hosts = apiHosts();

/**
 * Time travel as projectAt does it (the conversations projection folded from the log's start
 * into an in-memory database beside the log), but kept and moved forwards one event at a time,
 * so every version of every conversation can be compared without folding the log again for each.
 */
async function foldingForwards(logFile: string, events: ConstructorParameters<typeof ProjectionRunner>[0]) {
  const database = new Database(":memory:");
  database.prepare("ATTACH DATABASE ? AS log").run(logFile);
  const store = new SqliteProjectionStore(database, [conversationsProjection]);
  await store.prepare();
  const runner = new ProjectionRunner(events, store, { warn: () => {} });
  const readModels = new Kysely<ReadModels>({ dialect: new SqliteDialect({ database }) });
  return {
    readModels,
    to: (position: bigint) => runner.catchUp({ to: position }),
    close: () => readModels.destroy(),
  };
}

describe("a conversation at a version", () => {
  it("is, at every version of every conversation, what the live context and history were once the log reached it", async () => {
    const { host, dir, run } = await hosts.demo();
    // Two compactions of a worker's own beside the one it inherits (the deepest, latest one wins),
    // which its replay, forked from it at an earlier version, must not see.
    const worker = run.checkpoint.conversationId;
    for (const notes of [["a note after the run", "another", "a third"], ["a last note"]]) {
      expect(await host.compactor.compact(worker, { keepLast: 1 })).toMatchObject({ compacted: true });
      for (const content of notes) await host.conversations.append(worker, { role: "user", content });
    }
    const { client } = await hosts.listen(host);
    const then = await foldingForwards(join(dir, "colony.db"), host.db.events);
    let compared = 0;
    const compactedBy = new Set<string>();
    try {
      for await (const event of host.db.events.readAll()) {
        if (!event.streamId.startsWith("conversation-")) continue;
        await then.to(event.position);
        const id = event.streamId.slice("conversation-".length);
        const version = Number(event.version);
        const path = { conversation_id: id };
        const [live, history] = await Promise.all([
          client.GET("/api/conversations/{conversation_id}", { params: { path, query: { version } } }),
          client.GET("/api/conversations/{conversation_id}", { params: { path, query: { version, history: "true" } } }),
        ]);
        const [expectedLive, expectedHistory] = await Promise.all([
          liveContext(then.readModels, id),
          conversationHistory(then.readModels, id),
        ]);
        const where = `${id} at version ${version}`;
        expect(live.data?.parts, where).toEqual(expectedLive?.parts.map((p) => partBody(p)));
        expect(live.data?.compaction, where).toEqual(
          expectedLive?.compaction ? compactionBody(expectedLive.compaction) : null,
        );
        expect(live.data?.system_prompt, where).toBe(expectedLive?.systemPrompt);
        expect(history.data?.parts, where).toEqual(expectedHistory?.parts.map((p) => partBody(p, p.compacted)));
        expect(history.data?.compactions, where).toEqual(expectedHistory?.compactions.map(compactionBody));
        compared++;
        const by = live.data?.compaction;
        compactedBy.add(by ? `${by.conversation_id}@${by.version}` : "none");
      }
    } finally {
      await then.close();
    }
    // The demo's conversations (forks of forks, long worker runs, a checkpoint), seen with no
    // compaction, the colony's inherited one, and each of the worker's own.
    expect(compared).toBeGreaterThan(400);
    expect(compactedBy.size).toBe(4);
  });
});

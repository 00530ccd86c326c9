import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { appendMarks, range, SseClient, sseServers, until } from "./sse-harness.js";

const open = sseServers();

/** Big events fill the loopback socket buffers (a few MiB) in a few hundred appends. */
const EVENT_BYTES = 64 * 1024;
const MAX_APPENDS = 2_000;

describe("GET /api/events: a client that cannot keep up", () => {
  it("is dropped when it stops reading, while another client keeps receiving every event; it resumes losing nothing", async () => {
    const server = await open({ drainTimeoutMs: 1_000, keepAliveMs: 60_000 });
    const stalled = await SseClient.open(server, "/api/events");
    stalled.stall();
    const reader = await SseClient.open(server, "/api/events");

    // Keep appending until the server gives up on the stalled client.
    let appended = 0;
    while (server.drops.length === 0) {
      if (appended >= MAX_APPENDS) throw new Error(`no client dropped after ${appended} big events`);
      await appendMarks(server.host, "colony-a", 1, EVENT_BYTES);
      appended++;
      await sleep(10);
    }
    expect(server.drops).toHaveLength(1);
    expect(server.drops[0]?.reason).toBe("drain_timeout");
    // Nothing piled up for it meanwhile: at most the frame that filled the socket and one batch.
    expect(server.drops[0]?.bufferedBytes).toBeLessThan(2 * (EVENT_BYTES + 64 * 1024));
    await appendMarks(server.host, "colony-a", 5);
    const head = Number(await server.host.db.events.headPosition());

    await until("the reader to receive everything", () => (reader.ids.at(-1) ?? 0) >= head, 30_000);
    expect(reader.ids).toEqual(range(1, head));
    expect(reader.closed).toBe(false);
    expect(server.drops).toHaveLength(1);

    // The stalled client reads what reached it before the drop, then resumes from its last id.
    stalled.resume();
    await until("the dropped stream to end", () => stalled.closed, 30_000);
    expect(stalled.ids.length).toBeLessThan(head);
    const resumed = await SseClient.open(server, "/api/events", { "last-event-id": stalled.lastId ?? "0" });
    await until("the resumed stream to catch up", () => (resumed.ids.at(-1) ?? 0) >= head, 30_000);
    expect([...stalled.ids, ...resumed.ids]).toEqual(range(1, head));
    reader.close();
    resumed.close();
  });

  it("a slow client that does drain is not dropped: it is served at its own pace", async () => {
    const server = await open({ drainTimeoutMs: 5_000, batchBytes: 16 * 1024 });
    await appendMarks(server.host, "colony-a", 200, 16 * 1024);
    const slow = await SseClient.open(server, "/api/events");
    // Reads in short bursts with pauses, so the socket fills and drains again and again.
    while ((slow.ids.at(-1) ?? 0) < 200) {
      slow.stall();
      await sleep(20);
      slow.resume();
      await sleep(5);
      if (slow.closed) break;
    }
    expect(slow.ids).toEqual(range(1, 200));
    expect(server.drops).toEqual([]);
    slow.close();
  });
});

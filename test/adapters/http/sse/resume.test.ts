import { describe, expect, it } from "vitest";
import { appendMarks, range, SseClient, sseServers, until } from "./sse-harness.js";

const open = sseServers();

describe("GET /api/events: ids are positions, Last-Event-ID resumes", () => {
  it("a client cut off mid-stream and resumed by Last-Event-ID gets every stored event exactly once, in order", async () => {
    // Small batches: the first connection is still being written to when it is cut.
    const server = await open({ batchBytes: 256 });
    await appendMarks(server.host, "colony-a", 300);

    const first = await SseClient.open(server, "/api/events");
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toMatch(/^text\/event-stream/);
    await until("some events", () => first.frames.length >= 10);
    first.close();
    // What the client dispatched before the cut is all it has; its last id is where it resumes.
    const seen = [...first.frames];
    const lastId = first.lastId;
    expect(lastId).toBeDefined();

    await appendMarks(server.host, "colony-b", 50);
    const head = Number(await server.host.db.events.headPosition());
    const second = await SseClient.open(server, "/api/events", { "last-event-id": String(lastId) });
    await until("the rest of the log", () => (second.ids.at(-1) ?? 0) >= head);

    const all = [...seen, ...second.frames];
    expect(all.map((f) => Number(f.id))).toEqual(range(1, head));
    for (const frame of all) {
      const event = JSON.parse(frame.data) as { position: number; type: string };
      expect(event.position).toBe(Number(frame.id));
      expect(frame.event).toBe(event.type);
    }
    second.close();
  });

  it("sends events appended after it connected, live", async () => {
    const server = await open();
    await appendMarks(server.host, "colony-a", 5);
    const client = await SseClient.open(server, "/api/events", { "last-event-id": "5" });
    const positions = await appendMarks(server.host, "colony-a", 3);
    await until("the live events", () => client.frames.length >= 3);
    expect(client.ids).toEqual(positions);
    expect(positions).toEqual([6, 7, 8]);
    client.close();
  });

  it("?from= is the first position sent, inclusive; Last-Event-ID wins over it", async () => {
    const server = await open();
    await appendMarks(server.host, "colony-a", 10);
    const fromQuery = await SseClient.open(server, "/api/events?from=4");
    await until("positions 4..10", () => fromQuery.frames.length >= 7);
    expect(fromQuery.ids).toEqual(range(4, 10));

    const both = await SseClient.open(server, "/api/events?from=2", { "last-event-id": "8" });
    await until("positions 9..10", () => both.frames.length >= 2);
    expect(both.ids).toEqual([9, 10]);
    fromQuery.close();
    both.close();
  });

  it("refuses a Last-Event-ID that is not a position of this log, before streaming, naming the header", async () => {
    const server = await open();
    await appendMarks(server.host, "colony-a", 3);
    for (const bad of ["abc", "-1", "1.5", "", "99999999999999999999"]) {
      const client = await SseClient.open(server, "/api/events", { "last-event-id": bad });
      expect(client.status, bad).toBe(400);
      const body = await client.json();
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toContain("headers.last-event-id");
    }
    const ahead = await SseClient.open(server, "/api/events", { "last-event-id": "4" });
    expect(ahead.status).toBe(400);
    expect((await ahead.json()).error.message).toMatch(/headers\.last-event-id: 4 is past the end of this log/);

    const badFrom = await SseClient.open(server, "/api/events?from=first");
    expect(badFrom.status).toBe(400);
    expect((await badFrom.json()).error.message).toContain("query.from");
  });

  it("ends open streams when the server closes, so closing never waits for them", async () => {
    const server = await open();
    await appendMarks(server.host, "colony-a", 2);
    const client = await SseClient.open(server, "/api/events");
    await until("the events", () => client.frames.length >= 2);
    await server.app.close();
    await until("the stream to end", () => client.closed);
    expect(server.drops.map((d) => d.reason)).toEqual(["server_closing"]);
  });
});

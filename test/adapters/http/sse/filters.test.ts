import { describe, expect, it } from "vitest";
import { appendMarks, SseClient, sseServers, until } from "./sse-harness.js";

const open = sseServers();
const LIMITS = { maxContextTokens: 100_000, compactionBufferTokens: 2_000, compactionRatio: 0.1 };

async function appendResumed(server: Awaited<ReturnType<typeof open>>, stream: string): Promise<number> {
  const result = await server.host.db.events.append(stream, [{ type: "TimersResumed", data: {} }], {
    expectedVersion: "any",
  });
  return Number(result.events[0]?.position);
}

async function seedTask(server: Awaited<ReturnType<typeof open>>, taskId: string): Promise<number> {
  const data = {
    taskId,
    colonyId: "a",
    goal: "count words",
    seq: 0,
    priority: 0,
    payload: null,
    maxRetries: 1,
    parentTaskId: null,
    source: null,
    steps: [],
    sopItems: [],
  };
  const result = await server.host.db.events.append(`task-${taskId}`, [{ type: "TaskSeeded", data }], {
    expectedVersion: "no_stream",
  });
  return Number(result.events[0]?.position);
}

describe("GET /api/events: filters, signals and keep-alive", () => {
  it("sends only the listed types, streams and categories, in catch-up and live alike", async () => {
    const server = await open();
    await appendMarks(server.host, "colony-a", 2);
    const resumedA = [await appendResumed(server, "colony-a")];
    const resumedB = [await appendResumed(server, "colony-b")];
    await seedTask(server, "t1");

    const byType = await SseClient.open(server, "/api/events?types=TimersResumed");
    const byStream = await SseClient.open(server, "/api/events?streams=colony-b");
    const byCategory = await SseClient.open(server, "/api/events?categories=task");
    const byAll = await SseClient.open(
      server,
      "/api/events?types=TimersResumed,TimersPaused,TaskSeeded&streams=colony-a,task-t2&categories=colony,task",
    );
    await until("the catch-up", () => byType.frames.length >= 2 && byCategory.frames.length >= 1);

    resumedA.push(await appendResumed(server, "colony-a"));
    await appendMarks(server.host, "colony-b", 1);
    resumedB.push(await appendResumed(server, "colony-b"));
    const seeded = await seedTask(server, "t2");
    await until("the live events", () => byType.frames.length >= 4 && byCategory.frames.length >= 2);
    await until("the last one on the combined filter", () => byAll.ids.includes(seeded));
    await until("colony-b's live events", () => byStream.frames.length >= 3);

    const streamsOf = (client: SseClient) =>
      client.frames.map((f) => (JSON.parse(f.data) as { streamId: string }).streamId);
    expect(byType.ids).toEqual([...resumedA, ...resumedB].sort((a, b) => a - b));
    expect(new Set(byType.frames.map((f) => f.event))).toEqual(new Set(["TimersResumed"]));
    expect(streamsOf(byStream)).toEqual(["colony-b", "colony-b", "colony-b"]);
    expect(streamsOf(byCategory)).toEqual(["task-t1", "task-t2"]);
    expect(streamsOf(byAll)).toEqual(["colony-a", "colony-a", "colony-a", "colony-a", "task-t2"]);
    for (const client of [byType, byStream, byCategory, byAll]) client.close();
  });

  it("refuses unknown filter names and unknown query fields before streaming, naming the field", async () => {
    const server = await open();
    const cases: [string, string][] = [
      ["/api/events?types=TimersResumed,NoSuchEvent", "query.types: unknown event type or signal kind NoSuchEvent"],
      ["/api/events?types=", "query.types"],
      ["/api/events?streams=nodash", "query.streams"],
      ["/api/events?categories=planet", "query.categories: unknown category planet"],
      ["/api/events?type=TimersResumed", "type"],
    ];
    for (const [path, message] of cases) {
      const client = await SseClient.open(server, path);
      expect(client.status, path).toBe(400);
      expect((await client.json()).error.message, path).toContain(message);
    }
  });

  it("sends live-bus signals by kind, without an id, and only those the filters allow", async () => {
    const server = await open();
    await appendMarks(server.host, "colony-a", 1);
    const all = await SseClient.open(server, "/api/events");
    const onlyDeltas = await SseClient.open(server, "/api/events?types=text_delta");
    const otherConversation = await SseClient.open(server, "/api/events?streams=conversation-other");
    await until("the stored event", () => all.frames.length >= 1);

    const delta = { kind: "text_delta", agentId: "q1", conversationId: "k1", text: "Hel" } as const;
    const started = {
      kind: "tool_call_started",
      agentId: "q1",
      conversationId: "k1",
      toolCallId: "call-1",
      name: "list_files",
    } as const;
    // Signals are only for clients caught up with the log; a client is, once its catch-up ends.
    await until("a signal to reach a live client", () => {
      server.host.bus.publish(delta);
      return all.frames.some((f) => f.event === "text_delta");
    });
    server.host.bus.publish(started);
    const head = await appendMarks(server.host, "colony-a", 1);
    await until("the event after the signals", () => all.ids.includes(head[0] ?? 0));
    await until("the delta on the filtered stream", () => onlyDeltas.frames.length >= 1);

    const signals = all.frames.filter((f) => f.id === undefined);
    expect(signals.at(-1)).toEqual({ id: undefined, event: "tool_call_started", data: JSON.stringify(started) });
    expect(signals.find((f) => f.event === "text_delta")).toEqual({
      id: undefined,
      event: "text_delta",
      data: JSON.stringify(delta),
    });
    expect(new Set(onlyDeltas.frames.map((f) => f.event))).toEqual(new Set(["text_delta"]));
    // A stream filter treats a signal as its conversation's: k1's never reach a client of another,
    // which gets its own conversation's first event after them and nothing before it.
    await server.host.conversations.start("other", { kind: "queen", id: "q2" }, "You are a queen.", LIMITS);
    await until("the other conversation's event", () => otherConversation.frames.length >= 1);
    expect(otherConversation.frames.map((f) => f.event)).toEqual(["ConversationStarted"]);
    for (const client of [all, onlyDeltas, otherConversation]) client.close();
  });

  it("sends keep-alive comments on an idle stream", async () => {
    const server = await open({ keepAliveMs: 20 });
    const client = await SseClient.open(server, "/api/events");
    await until("two keep-alive comments", () => client.comments.filter((c) => c === "keepalive").length >= 2);
    expect(client.frames).toEqual([]);
    client.close();
  });

  it("is behind the bearer token like every other route", async () => {
    const server = await open({ token: "s3cret" });
    const refused = await SseClient.open(server, "/api/events");
    expect(refused.status).toBe(401);
    const allowed = await SseClient.open(server, "/api/events", { authorization: "Bearer s3cret" });
    expect(allowed.status).toBe(200);
    allowed.close();
  });
});

import { describe, expect, it } from "vitest";
import type { ColonyHost } from "../../../../src/adapters/http/colony-host.js";
import { startSession } from "../../../../src/runtime/sessions/start-session.js";
import { samples } from "../../../support/sample-events.js";
import { appendMarks, SseClient, sseServers, until } from "./sse-harness.js";

const open = sseServers();

/** A worker as the runtime spawns one: its conversation forked from `parent` first, then the worker. */
async function spawnWorker(
  host: ColonyHost,
  worker: { id: string; conversationId: string; parent: string; sessionId: string | null; colonyId: string },
) {
  await host.conversations.fork(worker.conversationId, worker.parent, { kind: "worker", id: worker.id }, "spawn", {
    role: "user",
    content: "your task",
  });
  await host.db.events.append(
    `worker-${worker.id}`,
    [
      {
        type: "WorkerSpawned",
        data: {
          ...samples.WorkerSpawned,
          workerId: worker.id,
          colonyId: worker.colonyId,
          parentSessionId: worker.sessionId,
          conversationId: worker.conversationId,
        },
      },
    ],
    { expectedVersion: "no_stream" },
  );
}

async function say(host: ColonyHost, conversationId: string, content: string) {
  await host.conversations.append(conversationId, { role: "assistant", content });
}

/** The positions of the stored events on `streams` (of `type` only, when given). */
async function positionsOf(host: ColonyHost, streams: readonly string[], type?: string): Promise<number[]> {
  const wanted = new Set(streams);
  const positions: number[] = [];
  for await (const event of host.db.events.readAll()) {
    if (wanted.has(event.streamId) && (type === undefined || event.type === type))
      positions.push(Number(event.position));
  }
  return positions;
}

const session = (host: ColonyHost, sessionId: string, conversationId: string, colonyId: string | null = null) =>
  startSession(host.sessions, {
    sessionId,
    queenId: `queen.${sessionId}`,
    systemPrompt: "You are the queen.",
    conversationId,
    colonyId,
  });

describe("GET /api/sessions/:session_id/events", () => {
  it("streams the session, its conversation, its workers, their conversations and its delegations; nothing else", async () => {
    const server = await open();
    const { host } = server;
    await session(host, "s1", "k1");
    await session(host, "s2", "k2");
    await say(host, "k1", "hello");
    await spawnWorker(host, { id: "w1", conversationId: "kw1", parent: "k1", sessionId: "s1", colonyId: "c9" });
    await spawnWorker(host, { id: "w2", conversationId: "kw2", parent: "k2", sessionId: "s2", colonyId: "c9" });
    // A delegation's conversation (owned by the session) and a queen's fork (another session's).
    await host.conversations.fork("kd", "k1", { kind: "session", id: "s1" }, "delegation", {
      role: "user",
      content: "go",
    });
    await host.conversations.fork("kq", "k1", { kind: "queen", id: "queen.s9" }, "compact-and-fork");
    // A conversation the session owns without forking, and a replay of w1: a fork of its
    // conversation run by a worker with no parent session, found only through that fork.
    await host.conversations.start(
      "kd2",
      { kind: "session", id: "s1" },
      "You are a subagent.",
      samples.ConversationStarted.limits,
    );
    await spawnWorker(host, { id: "w5", conversationId: "kr", parent: "kw1", sessionId: null, colonyId: "c9" });
    await say(host, "k2", "not ours");

    const client = await SseClient.open(server, "/api/sessions/s1/events");
    const onlyParts = await SseClient.open(server, "/api/sessions/s1/events?types=MessagePartAppended");
    expect(client.status).toBe(200);
    // One that resumes past every stream's first event knows them from the read models alone.
    const before = Number(await host.db.events.headPosition());
    const resumed = await SseClient.open(server, "/api/sessions/s1/events", { "last-event-id": String(before) });

    // Live: a worker spawned after connecting joins, with its conversation; others stay out.
    await spawnWorker(host, { id: "w3", conversationId: "kw3", parent: "k1", sessionId: "s1", colonyId: "c9" });
    await say(host, "kw3", "working on it");
    await say(host, "kq", "another session's");
    await say(host, "kw2", "another session's worker");
    await say(host, "kd", "delegated work");
    await say(host, "kd2", "subagent work");
    await say(host, "kr", "replaying");
    for (const worker of ["w1", "w5", "w2"]) {
      await host.db.events.append(`worker-${worker}`, [{ type: "WorkerStarted", data: { attempt: 1 } }], {
        expectedVersion: "any",
      });
    }
    const inScope = [
      "session-s1",
      "conversation-k1",
      "worker-w1",
      "conversation-kw1",
      "worker-w3",
      "conversation-kw3",
      "conversation-kd",
      "conversation-kd2",
      "worker-w5",
      "conversation-kr",
    ];
    const expected = await positionsOf(host, inScope);
    const last = expected.at(-1) ?? 0;
    await until("the session's last event", () => client.ids.includes(last));
    expect(client.ids).toEqual(expected);
    await until("the resumed stream's last event", () => resumed.ids.includes(last));
    expect(resumed.ids).toEqual(expected.filter((position) => position > before));

    // The type filter narrows the scope's events; the scope still learned of kw3 from its fork.
    const parts = await positionsOf(host, inScope, "MessagePartAppended");
    await until("the parts", () => onlyParts.ids.includes(parts.at(-1) ?? 0));
    expect(onlyParts.ids).toEqual(parts);
    expect(parts.length).toBe(9);

    // A later reader of the same positions gets the same events as the live one did.
    const replay = await SseClient.open(server, "/api/sessions/s1/events");
    await until("the replay", () => replay.ids.includes(last));
    expect(replay.ids).toEqual(expected);
    for (const c of [client, resumed, onlyParts, replay]) c.close();
  });

  it("for a session in a colony, adds the colony's stream, tasks and workers", async () => {
    const server = await open();
    const { host } = server;
    await session(host, "s3", "k3", "c1");
    await appendMarks(host, "colony-c1", 1);
    await appendMarks(host, "colony-c2", 1);
    for (const [taskId, colonyId] of [
      ["t1", "c1"],
      ["t2", "c2"],
    ] as const) {
      await host.db.events.append(
        `task-${taskId}`,
        [{ type: "TaskSeeded", data: { ...samples.TaskSeeded, taskId, colonyId } }],
        { expectedVersion: "no_stream" },
      );
    }
    const client = await SseClient.open(server, "/api/sessions/s3/events");
    // A worker a trigger spawned (no parent session), whose conversation starts after it.
    await host.db.events.append(
      "worker-w4",
      [
        {
          type: "WorkerSpawned",
          data: {
            ...samples.WorkerSpawned,
            workerId: "w4",
            colonyId: "c1",
            parentSessionId: null,
            conversationId: "kw4",
          },
        },
      ],
      { expectedVersion: "no_stream" },
    );
    await host.conversations.start(
      "kw4",
      { kind: "worker", id: "w4" },
      "You are a worker.",
      samples.ConversationStarted.limits,
    );
    const before = Number(await host.db.events.headPosition());
    const resumed = await SseClient.open(server, "/api/sessions/s3/events", { "last-event-id": String(before) });
    await say(host, "kw4", "triggered");
    for (const task of ["t1", "t2"]) {
      await host.db.events.append(`task-${task}`, [{ type: "TaskClaimed", data: samples.TaskClaimed }], {
        expectedVersion: "any",
      });
    }
    await appendMarks(host, "colony-c1", 1);
    await appendMarks(host, "colony-c2", 1);
    const expected = await positionsOf(host, [
      "session-s3",
      "conversation-k3",
      "colony-c1",
      "task-t1",
      "worker-w4",
      "conversation-kw4",
    ]);
    const last = expected.at(-1) ?? 0;
    await until("the colony's last event", () => client.ids.includes(last) && resumed.ids.includes(last));
    expect(client.ids).toEqual(expected);
    expect(resumed.ids).toEqual(expected.filter((position) => position > before));
    client.close();
    resumed.close();
  });

  it("sends the signals of the session's conversations only", async () => {
    const server = await open();
    const { host } = server;
    await session(host, "s1", "k1");
    await session(host, "s2", "k2");
    const client = await SseClient.open(server, "/api/sessions/s1/events");
    await until("the session's events", () => client.frames.length >= 2);
    const theirs = { kind: "text_delta", agentId: "queen.s2", conversationId: "k2", text: "not for s1" } as const;
    const ours = { kind: "text_delta", agentId: "queen.s1", conversationId: "k1", text: "for s1" } as const;
    await until("a signal of s1", () => {
      host.bus.publish(theirs);
      host.bus.publish(ours);
      return client.frames.some((f) => f.event === "text_delta");
    });
    const signals = client.frames.filter((f) => f.id === undefined).map((f) => JSON.parse(f.data));
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((s) => s.conversationId === "k1")).toBe(true);
    client.close();
  });

  it("answers 404 for an unknown session and 400 for a malformed id, before streaming", async () => {
    const server = await open();
    const unknown = await SseClient.open(server, "/api/sessions/nope/events");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("session_not_found");
    const malformed = await SseClient.open(server, "/api/sessions/a%20b/events");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message).toContain("params.session_id");
  });
});

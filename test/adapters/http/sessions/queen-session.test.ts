import { describe, expect, it } from "vitest";
import { HeldModel, until, worlds } from "./fixture.js";

const open = worlds();

describe("POST /api/sessions and GET /api/sessions/:session_id", () => {
  it("starts a queen session and reads it back, and refuses a taken id, bad input and an unknown id", async () => {
    const world = await open();
    const started = await world.startSession({ session_id: "s1", queen_id: "charlotte" });
    expect(started).toMatchObject({
      session_id: "s1",
      queen_id: "charlotte",
      phase: "independent",
      provenance: { kind: "new", from_session_id: null },
      locked: false,
      colony_spawned: false,
      colony: null,
      queen: { turn_running: false, pending_messages: 0, last_turn: null },
    });
    expect(await world.eventTypes("session-s1")).toEqual(["SessionStarted"]);
    expect(await world.eventTypes(`conversation-${started.conversation_id}`)).toEqual(["ConversationStarted"]);
    expect((await world.get("/api/sessions/s1")).body).toEqual(started);

    await world.refused("POST", "/api/sessions", { session_id: "s1" }, 409, "session_already_started");
    await world.invalid("POST", "/api/sessions", { initial_phase: "sleeping" }, "body.initial_phase");
    await world.invalid("GET", "/api/sessions/bad%20id", undefined, "params.session_id");
    await world.refused("GET", "/api/sessions/nobody", undefined, 404, "session_not_found");
  });

  it("documents every session route in /openapi.json", async () => {
    const world = await open();
    const paths = Object.keys((await world.get("/openapi.json")).body.paths);
    for (const route of ["chat", "queen-context", "trigger", "inject", "pause", "resume", "stop", "replay"]) {
      expect(paths).toContain(`/api/sessions/{session_id}/${route}`);
    }
    for (const route of ["cancel-queen", "colony-spawn", "mark-colony-spawned", "compact-and-fork", "goal-progress"]) {
      expect(paths).toContain(`/api/sessions/{session_id}/${route}`);
    }
  });
});

describe("POST /api/sessions/:session_id/chat", () => {
  it("appends the person's message and runs a queen turn in the background", async () => {
    const world = await open();
    const session = await world.startSession();
    const answer = await world.post(`/api/sessions/${session.session_id}/chat`, {
      message: "Count the words, please",
      display_message: "count words",
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        status: "queen",
        delivered: true,
        session_id: session.session_id,
        conversation_id: session.conversation_id,
        turn: "started",
        display_message: "count words",
      },
    });
    const parts = await until(
      () => world.parts(session.conversation_id),
      (p) => p.some((part) => part.role === "assistant"),
      "the queen's reply",
    );
    expect(parts.map((p) => [p.role, p.content, p.flags])).toEqual([
      ["user", "Count the words, please", { clientInput: true }],
      ["assistant", 'Queen: noted "Count the words, please"', null],
    ]);
    const view = await until(
      () => world.get(`/api/sessions/${session.session_id}`),
      (v) => !v.body.queen.turn_running,
      "the turn's end",
    );
    expect(view.body.queen.last_turn).toMatchObject({ exit: "replied", model_calls: 1, error: null });
  });

  it("gives a colony queen her colony's tools, and a turn of her own on each delegated result", async () => {
    const world = await open();
    const { sessionId } = await world.colony();
    const { conversation_id } = (await world.get(`/api/sessions/${sessionId}`)).body;
    await world.post(`/api/sessions/${sessionId}/chat`, { message: "please delegate the count" });
    const parts = await until(
      () => world.parts(conversation_id),
      (p) => p.some((part) => part.content.startsWith('Queen: noted "[Background delegation')),
      "her turn on the delegated result",
    );
    const own = parts.filter((p) => !p.inherited);
    expect(own.map((p) => [p.role, p.toolCalls?.map((c) => c.name) ?? null, p.flags])).toEqual([
      ["user", null, { clientInput: true }],
      ["assistant", ["delegate"], null],
      ["tool", null, null],
      ["assistant", null, null],
      ["user", null, { trigger: true }],
      ["assistant", null, null],
    ]);
    expect(own[4]?.content).toContain("summary:\ndone: count b.txt");
  });

  it("hands a message sent mid-turn to that turn, so both are answered in order", async () => {
    const model = new HeldModel();
    const world = await open(model);
    const session = await world.startSession();
    const url = `/api/sessions/${session.session_id}/chat`;
    expect((await world.post(url, { message: "first" })).body.turn).toBe("started");
    await until(
      async () => model.calls,
      (calls) => calls === 1,
      "the first model call",
    );
    expect((await world.post(url, { message: "second" })).body.turn).toBe("running");
    model.release();
    const parts = await until(
      () => world.parts(session.conversation_id),
      (p) => p.filter((part) => part.role === "assistant").length === 2,
      "both replies",
    );
    expect(parts.map((p) => `${p.role}: ${p.content}`)).toEqual([
      "user: first",
      'assistant: Queen: noted "first"',
      "user: second",
      'assistant: Queen: noted "second"',
    ]);
  });

  it("refuses bad input, an unknown session, a locked session, images and a server without a model, appending nothing", async () => {
    const world = await open();
    const session = await world.startSession();
    await world.invalid("POST", `/api/sessions/${session.session_id}/chat`, { message: "" }, "body.message");
    await world.invalid("POST", `/api/sessions/${session.session_id}/chat`, { mesage: "hi" }, "body");
    await world.refused("POST", "/api/sessions/nobody/chat", { message: "hi" }, 404, "session_not_found");
    await world.refused(
      "POST",
      `/api/sessions/${session.session_id}/chat`,
      { message: "look", images: [{ type: "image_url" }] },
      422,
      "images_not_supported",
    );

    const { personId } = await world.colony({ colony_name: "spawned_here" });
    const locked = await world.refused(
      "POST",
      `/api/sessions/${personId}/chat`,
      { message: "more work" },
      409,
      "session_locked",
    );
    expect(locked.details).toMatchObject({
      session_id: personId,
      reason: "colony_spawned",
      colony_name: "spawned_here",
    });

    const modelless = await open(null);
    const idle = await modelless.startSession();
    await modelless.refused("POST", `/api/sessions/${idle.session_id}/chat`, { message: "hi" }, 409, "no_model");
  });
});

describe("POST /api/sessions/:session_id/queen-context", () => {
  it("appends context as an external event without starting a turn", async () => {
    const model = new HeldModel();
    const world = await open(model);
    const session = await world.startSession();
    const answer = await world.post(`/api/sessions/${session.session_id}/queen-context`, { message: "a.txt changed" });
    expect(answer).toEqual({
      status: 200,
      body: { status: "queued", delivered: true, session_id: session.session_id, seq: 0 },
    });
    const parts = await world.parts(session.conversation_id);
    expect(parts.map((p) => [p.role, p.content, p.flags])).toEqual([
      ["user", "[External event]: a.txt changed", { trigger: true }],
    ]);
    expect(model.calls).toBe(0);
    expect((await world.get(`/api/sessions/${session.session_id}`)).body.queen.turn_running).toBe(false);
  });

  it("refuses bad input, an unknown session and a locked session", async () => {
    const world = await open();
    const { personId } = await world.colony();
    await world.invalid("POST", `/api/sessions/${personId}/queen-context`, {}, "body.message");
    await world.refused("POST", "/api/sessions/nobody/queen-context", { message: "x" }, 404, "session_not_found");
    await world.refused("POST", `/api/sessions/${personId}/queen-context`, { message: "x" }, 409, "session_locked");
  });
});

describe("POST /api/sessions/:session_id/cancel-queen", () => {
  it("aborts the queen's turn in progress, and refuses when she has none", async () => {
    const model = new HeldModel();
    const world = await open(model);
    const session = await world.startSession();
    const url = `/api/sessions/${session.session_id}/cancel-queen`;
    await world.refused("POST", url, undefined, 409, "queen_not_active");

    await world.post(`/api/sessions/${session.session_id}/chat`, { message: "think hard" });
    await until(
      async () => model.calls,
      (calls) => calls === 1,
      "the model call",
    );
    expect(await world.post(url)).toEqual({ status: 200, body: { cancelled: true, session_id: session.session_id } });
    const view = await until(
      () => world.get(`/api/sessions/${session.session_id}`),
      (v) => !v.body.queen.turn_running,
      "the cancelled turn's end",
    );
    expect(view.body.queen.last_turn).toMatchObject({ exit: "aborted" });
    // What she was asked stays in her conversation; no reply was appended.
    expect((await world.parts(session.conversation_id)).map((p) => p.role)).toEqual(["user"]);

    await world.refused("POST", url, undefined, 409, "queen_not_active");
    await world.refused("POST", "/api/sessions/nobody/cancel-queen", undefined, 404, "session_not_found");
    await world.invalid("POST", "/api/sessions/bad%20id/cancel-queen", undefined, "params.session_id");
  });
});

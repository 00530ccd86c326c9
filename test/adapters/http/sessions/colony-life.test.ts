import { describe, expect, it } from "vitest";
import { worlds } from "./fixture.js";

const open = worlds();

describe("POST /api/sessions/:session_id/colony-spawn", () => {
  it("forks the session into a colony with its tasks and triggers, and locks the session", async () => {
    const world = await open();
    const person = await world.startSession();
    await world.host.conversations.append(
      person.conversation_id,
      { role: "user", content: "Please count the words of the texts", flags: { clientInput: true } },
      { role: "assistant", content: "I will make a colony for it." },
    );
    const answer = await world.post(`/api/sessions/${person.session_id}/colony-spawn`, {
      colony_name: "texts",
      task: "count words",
      tasks: [
        { goal: "count a.txt", steps: [{ title: "read" }, { title: "count" }] },
        { goal: "count b.txt", sop_items: [{ key: "checked", description: "numbers checked" }] },
      ],
      concurrency_hint: 2,
      triggers: [{ trigger_id: "nightly", trigger_type: "timer", trigger_config: { interval_minutes: 60 } }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      colony_name: "texts",
      is_new: true,
      source_session_id: person.session_id,
      compaction_status: "compacted",
    });
    expect(answer.body.task_ids).toHaveLength(2);

    const source = (await world.get(`/api/sessions/${person.session_id}`)).body;
    expect(source).toMatchObject({ locked: true, colony_spawned: true, spawned_colony_name: "texts", colony_id: null });
    const colonySession = (await world.get(`/api/sessions/${answer.body.queen_session_id}`)).body;
    expect(colonySession).toMatchObject({
      colony_id: answer.body.colony_id,
      conversation_id: answer.body.conversation_id,
      phase: "working",
      provenance: { kind: "forked", from_session_id: person.session_id },
      colony: { colony_name: "texts", timers_paused: false, concurrency_hint: 2 },
    });
    expect(await world.eventTypes(`colony-${answer.body.colony_id}`)).toEqual(["ColonyCreated", "TriggerRegistered"]);
    // The fork starts from the model's summary of what the person and the queen said.
    const live = await world.host.conversations.live(answer.body.conversation_id);
    expect(live.parts).toHaveLength(1);
    expect(live.parts[0]?.content).toContain("Summary: the person asked the queen about the texts.");
  });

  it("refuses bad input naming the field, an unknown session and a locked session, appending nothing", async () => {
    const world = await open();
    const session = await world.startSession();
    const url = `/api/sessions/${session.session_id}/colony-spawn`;
    await world.invalid("POST", url, { colony_name: "Bad Name" }, "body.colony_name");
    await world.invalid("POST", url, { colony_name: "ok", tasks: [{ goal: "" }] }, "body.tasks.0.goal");
    await world.invalid(
      "POST",
      url,
      {
        colony_name: "ok",
        tasks: [
          {
            goal: "g",
            steps: [
              { seq: 1, title: "a" },
              { seq: 1, title: "b" },
            ],
          },
        ],
      },
      "body.tasks.0.steps.1.seq",
    );
    await world.invalid(
      "POST",
      url,
      { colony_name: "ok", triggers: [{ trigger_id: "t", trigger_type: "timer", trigger_config: {} }] },
      "body.triggers.0.trigger_config.interval_minutes",
    );
    await world.refused("POST", "/api/sessions/nobody/colony-spawn", { colony_name: "ok" }, 404, "session_not_found");

    const { personId } = await world.colony({ colony_name: "first" });
    const locked = await world.refused(
      "POST",
      `/api/sessions/${personId}/colony-spawn`,
      { colony_name: "second" },
      409,
      "session_locked",
    );
    expect(locked.details).toMatchObject({ colony_name: "first" });
  });
});

describe("POST /api/sessions/:session_id/mark-colony-spawned", () => {
  it("locks a session for a colony spawned elsewhere; the same mark again is no change", async () => {
    const world = await open();
    const { personId, colonyId } = await world.colony({ colony_name: "alpha" });
    const other = await world.startSession();
    const url = `/api/sessions/${other.session_id}/mark-colony-spawned`;
    const expected = {
      session_id: other.session_id,
      colony_spawned: true,
      spawned_colony_name: "alpha",
      colony_id: colonyId,
    };
    expect(await world.post(url, { colony_name: "alpha" })).toEqual({ status: 200, body: expected });
    expect(await world.eventTypes(`session-${other.session_id}`)).toEqual(["SessionStarted", "SessionLocked"]);
    expect((await world.get(`/api/sessions/${other.session_id}`)).body).toMatchObject({ locked: true });

    // The session colony-spawn locked: marking it for that colony changes nothing.
    const before = await world.head();
    const again = await world.post(`/api/sessions/${personId}/mark-colony-spawned`, { colony_name: "alpha" });
    expect(again.status).toBe(200);
    expect(await world.head()).toBe(before);
  });

  it("refuses bad input, unknown sessions and colonies, and a session locked for another colony", async () => {
    const world = await open();
    const { personId } = await world.colony({ colony_name: "alpha" });
    await world.colony({ colony_name: "beta" });
    const url = `/api/sessions/${personId}/mark-colony-spawned`;
    await world.invalid("POST", url, { colony_name: "" }, "body.colony_name");
    await world.refused(
      "POST",
      "/api/sessions/nobody/mark-colony-spawned",
      { colony_name: "alpha" },
      404,
      "session_not_found",
    );
    await world.refused("POST", url, { colony_name: "gamma" }, 404, "colony_not_found");
    await world.refused("POST", url, { colony_name: "beta" }, 409, "session_locked");
  });
});

describe("POST /api/sessions/:session_id/compact-and-fork", () => {
  it("starts a new session with the same queen on a compacted fork; the source keeps its lock", async () => {
    const world = await open();
    const { personId } = await world.colony();
    const source = (await world.get(`/api/sessions/${personId}`)).body;
    await world.host.conversations.append(source.conversation_id, { role: "user", content: "one more thing" });
    const answer = await world.post(`/api/sessions/${personId}/compact-and-fork`, {});
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      queen_id: source.queen_id,
      compacted_from: personId,
      messages_compacted: 1,
      method: "llm",
      fallback_reason: null,
    });
    const forked = (await world.get(`/api/sessions/${answer.body.new_session_id}`)).body;
    expect(forked).toMatchObject({
      locked: false,
      phase: "independent",
      conversation_id: answer.body.conversation_id,
      provenance: { kind: "compacted", from_session_id: personId },
    });
    expect((await world.get(`/api/sessions/${personId}`)).body.locked).toBe(true);
  });

  it("refuses bad input, an unknown session and a conversation with nothing to compact", async () => {
    const world = await open();
    const session = await world.startSession();
    const url = `/api/sessions/${session.session_id}/compact-and-fork`;
    await world.invalid("POST", url, { keep_last: -1 }, "body.keep_last");
    await world.refused("POST", "/api/sessions/nobody/compact-and-fork", {}, 404, "session_not_found");
    await world.refused("POST", url, {}, 422, "nothing_to_compact");
  });
});

describe("GET /api/sessions/:session_id/goal-progress", () => {
  it("counts the colony's tasks by status, with each task's steps and open SOP items", async () => {
    const world = await open();
    const { sessionId, colonyId, taskIds } = await world.colony({
      tasks: [
        { goal: "count a.txt", steps: [{ title: "read" }, { title: "count" }] },
        { goal: "count b.txt", sop_items: [{ key: "checked", description: "numbers checked" }] },
        { goal: "count c.txt" },
      ],
    });
    const { ledger } = world.host;
    const claim = await ledger.claim(taskIds[0] as string, "w1");
    await ledger.startStep(claim, 1);
    await ledger.completeStep(claim, 1, "read 12 lines");
    await ledger.startStep(claim, 2);
    await ledger.completeStep(claim, 2, "12 words");
    await ledger.complete(claim);
    await ledger.claim(taskIds[1] as string, "w2");

    const answer = await world.get(`/api/sessions/${sessionId}/goal-progress`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      session_id: sessionId,
      colony_id: colonyId,
      colony_name: "texts",
      total: 3,
      counts: { pending: 1, claimed: 1, in_progress: 0, done: 1, failed: 0 },
      progress: 1 / 3,
      finished: false,
    });
    expect(answer.body.tasks.map((t: { status: string }) => t.status)).toEqual(["done", "claimed", "pending"]);
    expect(answer.body.tasks[0]).toMatchObject({ worker_id: "w1", steps: { total: 2, done: 2 } });
    expect(answer.body.tasks[1].sop).toEqual({ total: 1, done: 0, open_required: ["checked"] });
  });

  it("refuses bad input, an unknown session and a session without a colony", async () => {
    const world = await open();
    const { personId } = await world.colony();
    await world.invalid("GET", "/api/sessions/bad%20id/goal-progress", undefined, "params.session_id");
    await world.refused("GET", "/api/sessions/nobody/goal-progress", undefined, 404, "session_not_found");
    const error = await world.refused(
      "GET",
      `/api/sessions/${personId}/goal-progress`,
      undefined,
      409,
      "session_without_colony",
    );
    expect(error.details).toMatchObject({ spawned_colony_name: "texts" });
  });
});

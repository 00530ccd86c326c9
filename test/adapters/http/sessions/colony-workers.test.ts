import { describe, expect, it } from "vitest";
import type { WorkerBrain } from "../../../../src/runtime/colony/index.js";
import { until, type World, worlds } from "./fixture.js";

const open = worlds();

const TRIGGERS = [
  { trigger_id: "run", trigger_type: "api", task: "count the words of the input" },
  {
    trigger_id: "hook",
    trigger_type: "webhook",
    trigger_config: { route: "/hooks/texts", secret_ref: "TEXTS_SECRET" },
  },
  { trigger_id: "hourly", trigger_type: "timer", trigger_config: { interval_minutes: 60 } },
];

/** A worker that runs until it is given a message (its report names it) or is stopped. */
const waiting: WorkerBrain = async (worker) => {
  const messages = await worker.waitForInput();
  return { status: "success", summary: `got: ${messages.join(", ")}` };
};

async function liveWorker(world: World, colonyId: string): Promise<string> {
  return (await world.host.runtime(colonyId)).spawn({ task: "wait for word", brain: waiting });
}

async function reported(world: World, workerId: string) {
  return until(
    () => world.workerRow(workerId),
    (row) => row?.status === "reported",
    `worker ${workerId}'s report`,
  );
}

/** A worker the api trigger started and that reported, on the scripted model. */
async function firedWorker(world: World, sessionId: string): Promise<string> {
  const fired = await world.post(`/api/sessions/${sessionId}/trigger`, {
    trigger_id: "run",
    input_data: { text: "a b" },
  });
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  await reported(world, fired.body.worker_id);
  return fired.body.worker_id;
}

describe("POST /api/sessions/:session_id/trigger", () => {
  it("fires the trigger: a worker on its task with the input, once per idempotency key", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony({ triggers: TRIGGERS });
    const url = `/api/sessions/${sessionId}/trigger`;
    const request = { entry_point_id: "run", input_data: { text: "a b c" }, idempotency_key: "delivery-1" };
    const first = await world.post(url, request);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ trigger_id: "run", outcome: "spawned", execution_id: first.body.worker_id });
    const retry = await world.post(url, request);
    expect(retry.body).toMatchObject({ outcome: "replayed", worker_id: first.body.worker_id });

    const row = await reported(world, first.body.worker_id);
    expect(row).toMatchObject({
      colony_id: colonyId,
      report_status: "success",
      report_summary: "done: count the words of the input",
    });
    const parts = await world.parts(row?.conversation_id as string);
    expect(parts.filter((p) => !p.inherited).map((p) => p.role)).toEqual(["user", "assistant", "tool"]);
    expect(parts.find((p) => !p.inherited)?.content).toContain('Input data: {"text":"a b c"}');
    const fired = (await world.eventTypes(`colony-${colonyId}`)).filter((t) => t === "TriggerFired");
    expect(fired).toHaveLength(1);
  });

  it("refuses bad input, unknown sessions and triggers, a webhook, a paused timer, no colony and no model", async () => {
    const world = await open();
    const { personId, sessionId } = await world.colony({ triggers: TRIGGERS });
    const url = `/api/sessions/${sessionId}/trigger`;
    await world.invalid("POST", url, { trigger_id: "run", input_data: "text" }, "body.input_data");
    await world.invalid("POST", url, { trigger_id: "run", entry_point_id: "hook" }, "body.trigger_id");
    await world.refused("POST", "/api/sessions/nobody/trigger", { trigger_id: "run" }, 404, "session_not_found");
    await world.refused("POST", url, { trigger_id: "nope" }, 404, "unknown_trigger");
    await world.refused("POST", url, { trigger_id: "hook" }, 422, "webhook_requires_signature");
    await world.post(`/api/sessions/${sessionId}/pause`);
    await world.refused("POST", url, { trigger_id: "hourly" }, 422, "timers_paused");
    await world.refused(
      "POST",
      `/api/sessions/${personId}/trigger`,
      { trigger_id: "run" },
      409,
      "session_without_colony",
    );

    const modelless = await open(null);
    const bare = await modelless.colony({ triggers: TRIGGERS });
    await modelless.refused("POST", `/api/sessions/${bare.sessionId}/trigger`, { trigger_id: "run" }, 409, "no_model");
  });
});

describe("POST /api/sessions/:session_id/inject", () => {
  it("delivers the content to a running worker at its next turn boundary", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony();
    const workerId = await liveWorker(world, colonyId);
    const answer = await world.post(`/api/sessions/${sessionId}/inject`, { node_id: workerId, content: "hello" });
    expect(answer).toEqual({ status: 200, body: { delivered: true, worker_id: workerId } });
    const [report] = await (await world.host.runtime(colonyId)).wait([workerId]);
    expect(report).toMatchObject({ status: "success", summary: "got: hello" });
  });

  it("refuses bad input, unknown sessions and workers, and a worker that is not running", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony();
    const url = `/api/sessions/${sessionId}/inject`;
    await world.invalid("POST", url, { content: "hello" }, "body.worker_id");
    await world.invalid("POST", url, { worker_id: "w", content: "" }, "body.content");
    await world.refused(
      "POST",
      "/api/sessions/nobody/inject",
      { worker_id: "w", content: "x" },
      404,
      "session_not_found",
    );
    await world.refused("POST", url, { worker_id: "nobody", content: "x" }, 404, "unknown_worker");
    const workerId = await liveWorker(world, colonyId);
    await (await world.host.runtime(colonyId)).stop(workerId);
    const error = await world.refused("POST", url, { worker_id: workerId, content: "x" }, 409, "worker_not_running");
    expect(error.details).toMatchObject({ worker_id: workerId, status: "reported" });
  });
});

describe("POST /api/sessions/:session_id/pause and /resume", () => {
  it("pause stops the running workers and the timers; resume starts the timers again", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony();
    const workerId = await liveWorker(world, colonyId);
    const paused = await world.post(`/api/sessions/${sessionId}/pause`);
    expect(paused).toEqual({
      status: 200,
      body: { stopped: true, cancelled: [workerId], cancelling: [], timers_paused: true },
    });
    expect(await world.workerRow(workerId)).toMatchObject({ report_status: "stopped" });
    const view = (await world.get(`/api/sessions/${sessionId}`)).body;
    expect(view).toMatchObject({ phase: "reviewing", colony: { timers_paused: true } });

    const resumed = await world.post(`/api/sessions/${sessionId}/resume`, {});
    expect(resumed).toEqual({
      status: 200,
      body: { timers_resumed: true, execution_id: null, worker_id: null, resumed_from: null, checkpoint_id: null },
    });
    expect((await world.eventTypes(`colony-${colonyId}`)).slice(-2)).toEqual(["TimersPaused", "TimersResumed"]);
    expect((await world.get(`/api/sessions/${sessionId}`)).body.colony.timers_paused).toBe(false);
  });

  it("resume with a worker takes its work up again from a checkpoint, on the model", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony({ triggers: TRIGGERS });
    const original = await firedWorker(world, sessionId);
    const row = await world.workerRow(original);
    const taskVersion = (await world.parts(row?.conversation_id as string)).find((p) => !p.inherited)
      ?.version as number;
    await world.host.conversations.markCheckpoint(row?.conversation_id as string, "task given", taskVersion);

    const answer = await world.post(`/api/sessions/${sessionId}/resume`, { session_id: original });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ resumed_from: original, checkpoint_id: taskVersion });
    const resumed = await reported(world, answer.body.worker_id);
    expect(resumed).toMatchObject({ colony_id: colonyId, report_summary: "done: count the words of the input" });
    const fork = await world.host.readModels
      .selectFrom("conversations")
      .select(["parent_id", "parent_version"])
      .where("id", "=", resumed?.conversation_id as string)
      .executeTakeFirst();
    expect(fork).toEqual({ parent_id: row?.conversation_id, parent_version: taskVersion });
  });

  it("refuse bad input, unknown sessions, workers and checkpoints, no colony and no model, appending nothing", async () => {
    const world = await open();
    const { personId, sessionId } = await world.colony({ triggers: TRIGGERS });
    const original = await firedWorker(world, sessionId);
    const resume = `/api/sessions/${sessionId}/resume`;
    await world.invalid("POST", resume, { worker_id: original, checkpoint_id: -1 }, "body.checkpoint_id");
    await world.refused("POST", "/api/sessions/nobody/pause", undefined, 404, "session_not_found");
    await world.refused("POST", "/api/sessions/nobody/resume", {}, 404, "session_not_found");
    await world.refused("POST", resume, { worker_id: "nobody" }, 404, "unknown_worker");
    await world.refused("POST", resume, { worker_id: original }, 404, "checkpoint_not_found");
    await world.refused("POST", resume, { worker_id: original, checkpoint_id: 999 }, 404, "checkpoint_not_found");
    await world.refused(
      "POST",
      resume,
      { worker_id: original, checkpoint_id: "no label" },
      404,
      "checkpoint_not_found",
    );
    await world.refused("POST", `/api/sessions/${personId}/pause`, undefined, 409, "session_without_colony");
    await world.refused("POST", `/api/sessions/${personId}/resume`, {}, 409, "session_without_colony");

    const modelless = await open(null);
    const bare = await modelless.colony();
    const workerId = await liveWorker(modelless, bare.colonyId);
    await modelless.post(`/api/sessions/${bare.sessionId}/pause`);
    await modelless.refused(
      "POST",
      `/api/sessions/${bare.sessionId}/resume`,
      { worker_id: workerId, checkpoint_id: 0 },
      409,
      "no_model",
    );
  });
});

describe("POST /api/sessions/:session_id/stop", () => {
  it("stops a running worker and answers with its report", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony();
    const workerId = await liveWorker(world, colonyId);
    const answer = await world.post(`/api/sessions/${sessionId}/stop`, { execution_id: workerId });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ stopped: true, cancelling: false, worker_id: workerId, status: "stopped" });
    expect(await world.eventTypes(`worker-${workerId}`)).toContain("WorkerStopped");
  });

  it("refuses bad input, unknown sessions and workers (404), and a worker no longer running", async () => {
    const world = await open();
    const { sessionId, colonyId } = await world.colony();
    const url = `/api/sessions/${sessionId}/stop`;
    await world.invalid("POST", url, {}, "body.worker_id");
    await world.invalid("POST", url, { worker_id: "a", execution_id: "b" }, "body.execution_id");
    await world.refused("POST", "/api/sessions/nobody/stop", { worker_id: "w" }, 404, "session_not_found");
    await world.refused("POST", url, { worker_id: "nobody" }, 404, "unknown_worker");
    const workerId = await liveWorker(world, colonyId);
    await world.post(url, { worker_id: workerId });
    await world.refused("POST", url, { worker_id: workerId }, 409, "worker_not_running");
  });
});

describe("POST /api/sessions/:session_id/replay", () => {
  it("replays a worker from the record and reports that it reproduced its outcome", async () => {
    const world = await open();
    const { sessionId } = await world.colony({ triggers: TRIGGERS });
    const original = await firedWorker(world, sessionId);
    const answer = await world.post(`/api/sessions/${sessionId}/replay`, { worker_id: original });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      replayed_from: original,
      mode: "recorded",
      reproduced: true,
      divergences: [],
      report: { status: "success", summary: "done: count the words of the input", error: null },
      original: { status: "success", summary: "done: count the words of the input" },
    });
    expect(answer.body.worker_id).not.toBe(original);
  });

  it("refuses bad input, unknown sessions, workers and checkpoints, and a live replay without a model", async () => {
    const world = await open();
    const { sessionId } = await world.colony({ triggers: TRIGGERS });
    const original = await firedWorker(world, sessionId);
    const url = `/api/sessions/${sessionId}/replay`;
    await world.invalid("POST", url, { worker_id: original, mode: "fast" }, "body.mode");
    await world.refused("POST", "/api/sessions/nobody/replay", { worker_id: original }, 404, "session_not_found");
    await world.refused("POST", url, { worker_id: "nobody" }, 404, "unknown_worker");
    await world.refused("POST", url, { worker_id: original, checkpoint_id: 999 }, 404, "checkpoint_not_found");

    const modelless = await open(null);
    const bare = await modelless.colony();
    const workerId = await liveWorker(modelless, bare.colonyId);
    await modelless.refused(
      "POST",
      `/api/sessions/${bare.sessionId}/replay`,
      { worker_id: workerId, mode: "live" },
      409,
      "no_model",
    );
  });
});

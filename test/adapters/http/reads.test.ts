import { describe, expect, it } from "vitest";
import { apiHosts } from "./api-fixture.js";

const hosts = apiHosts();

async function demoServer() {
  const { host, run } = await hosts.demo();
  const { client } = await hosts.listen(host);
  return { host, run, client };
}

/** The field a 400 names, from the API's one error shape. */
const fieldsOf = (error: unknown) =>
  (error as { error: { details: { issues: { path: string }[] } } }).error.details.issues.map((i) => i.path);
const codeOf = (error: unknown) => (error as { error: { code: string } }).error.code;

describe("colonies", () => {
  it("lists every colony with its task and worker counts, and shows one with its triggers", async () => {
    const { run, client } = await demoServer();
    const list = await client.GET("/api/colonies");
    expect(list.response.status).toBe(200);
    expect(list.data?.colonies.map((c) => c.id)).toEqual([run.colonyId]);
    const [texts] = list.data?.colonies ?? [];
    // The demo's story: 24 tasks, all done; four queue workers, a delegated child and a replay, all reported.
    expect(texts?.task_counts).toEqual({ pending: 0, claimed: 0, in_progress: 0, done: 24, failed: 0 });
    expect(texts?.worker_counts).toMatchObject({ running: 0, queued: 0, failed: 0, reported: 6 });
    expect(texts?.worker_profile.loop_config).toMatchObject({ max_iterations: 400 });
    expect(texts?.timers_paused).toBe(false);

    const one = await client.GET("/api/colonies/{colony_id}", { params: { path: { colony_id: run.colonyId } } });
    expect(one.data).toEqual({ ...texts, triggers: [] });
  });

  it("answers 404 for an unknown colony and 400 naming the field for a malformed id", async () => {
    const { client } = await demoServer();
    const unknown = await client.GET("/api/colonies/{colony_id}", { params: { path: { colony_id: "nowhere" } } });
    expect(unknown.response.status).toBe(404);
    expect(codeOf(unknown.error)).toBe("colony_not_found");
    for (const colony_id of ["a b", "../etc", 'x"y', "é"]) {
      const bad = await client.GET("/api/colonies/{colony_id}", { params: { path: { colony_id } } });
      expect(bad.response.status).toBe(400);
      expect(fieldsOf(bad.error)).toEqual(["params.colony_id"]);
    }
  });
});

describe("a colony's ledger", () => {
  it("gives the tasks in claim order with the original ledger's columns, their steps and SOP items", async () => {
    const { run, client } = await demoServer();
    const { data, response } = await client.GET("/api/colonies/{colony_id}/tasks", {
      params: { path: { colony_id: run.colonyId } },
    });
    expect(response.status).toBe(200);
    const tasks = data?.tasks ?? [];
    expect(tasks).toHaveLength(24);
    const seqs = tasks.map((t) => t.seq ?? -1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const task of tasks) {
      expect(Object.keys(task)).not.toContain("claim_token");
      expect(task).toMatchObject({ status: "done", colony_id: run.colonyId, retry_count: 0, source: "queen_create" });
      expect(task.worker_id).toEqual(expect.any(String));
      expect(task.steps.map((s) => [s.seq, s.status, s.task_id])).toEqual([
        [1, "done", task.id],
        [2, "done", task.id],
      ]);
      expect(task.steps.every((s) => s.evidence !== null && s.worker_id === task.worker_id)).toBe(true);
      expect(task.sop_items).toHaveLength(1);
      expect(task.sop_items[0]).toMatchObject({ task_id: task.id, required: true, done_by: task.worker_id });
    }
  });

  it("filters by status, refuses an unknown status naming query.status, and 404s an unknown colony", async () => {
    const { run, client } = await demoServer();
    const path = { colony_id: run.colonyId };
    const pending = await client.GET("/api/colonies/{colony_id}/tasks", {
      params: { path, query: { status: "pending" } },
    });
    expect(pending.data?.tasks).toEqual([]);
    const bad = await client.GET("/api/colonies/{colony_id}/tasks", {
      params: { path, query: { status: "finished" as never } },
    });
    expect(bad.response.status).toBe(400);
    expect(fieldsOf(bad.error)).toEqual(["query.status"]);
    const unknown = await client.GET("/api/colonies/{colony_id}/tasks", { params: { path: { colony_id: "gone" } } });
    expect(unknown.response.status).toBe(404);
    expect(codeOf(unknown.error)).toBe("colony_not_found");
  });
});

describe("workers", () => {
  it("lists a colony's workers in spawn order and shows one with its report", async () => {
    const { run, client } = await demoServer();
    const path = { colony_id: run.colonyId };
    const list = await client.GET("/api/colonies/{colony_id}/workers", { params: { path } });
    const workers = list.data?.workers ?? [];
    expect(workers).toHaveLength(6);
    const spawned = workers.map((w) => w.spawned_at);
    expect(spawned).toEqual([...spawned].sort());
    const reported = await client.GET("/api/colonies/{colony_id}/workers", {
      params: { path, query: { status: "reported" } },
    });
    expect(reported.data?.workers).toEqual(workers);

    const { data } = await client.GET("/api/workers/{worker_id}", {
      params: { path: { worker_id: run.checkpoint.workerId } },
    });
    expect(data).toEqual(workers.find((w) => w.id === run.checkpoint.workerId));
    expect(data).toMatchObject({
      colony_id: run.colonyId,
      conversation_id: run.checkpoint.conversationId,
      status: "reported",
      report_status: "success",
      persistent: false,
      attempt: 1,
    });
    expect(data?.report_data).toMatchObject({ exit: "reported" });
  });

  it("answers 404 for an unknown worker and 400 for a bad id or status", async () => {
    const { run, client } = await demoServer();
    const unknown = await client.GET("/api/workers/{worker_id}", { params: { path: { worker_id: "w0" } } });
    expect(unknown.response.status).toBe(404);
    expect(codeOf(unknown.error)).toBe("worker_not_found");
    const bad = await client.GET("/api/workers/{worker_id}", { params: { path: { worker_id: "w/0" } } });
    expect(bad.response.status).toBe(400);
    expect(fieldsOf(bad.error)).toEqual(["params.worker_id"]);
    const status = await client.GET("/api/colonies/{colony_id}/workers", {
      params: { path: { colony_id: run.colonyId }, query: { status: "asleep" as never } },
    });
    expect(fieldsOf(status.error)).toEqual(["query.status"]);
    const colony = await client.GET("/api/colonies/{colony_id}/workers", { params: { path: { colony_id: "gone" } } });
    expect(codeOf(colony.error)).toBe("colony_not_found");
  });
});

describe("conversations", () => {
  it("gives the live context: the colony queen's starts with the summary of what she inherited", async () => {
    const { run, client } = await demoServer();
    const path = { conversation_id: run.colonyConversationId };
    const { data } = await client.GET("/api/conversations/{conversation_id}", { params: { path } });
    expect(data?.view).toBe("live");
    expect(data?.version).toBe(data?.last_version);
    expect(data?.ancestry.map((a) => a.conversation_id)).toEqual([run.queenConversationId, run.colonyConversationId]);
    expect(data?.compaction).toMatchObject({ conversation_id: run.colonyConversationId, version: 1 });
    expect(data?.parts[0]).toMatchObject({ summary: true, role: "user", content: data?.compaction?.summary });
    expect(data?.parts.slice(1).every((p) => !p.summary && p.seq > (data?.compaction?.through_seq ?? 0))).toBe(true);

    // Version 0 is the fork itself: the compaction (version 1) is not there yet.
    const before = await client.GET("/api/conversations/{conversation_id}", {
      params: { path, query: { version: 0 } },
    });
    expect(before.data).toMatchObject({ version: 0, compaction: null, compactions: [] });
    expect(before.data?.parts.length).toBeGreaterThan(0);
    expect(before.data?.parts.every((p) => p.inherited && p.conversation_id === run.queenConversationId)).toBe(true);

    // The history keeps every part, the compacted ones marked.
    const history = await client.GET("/api/conversations/{conversation_id}", {
      params: { path, query: { history: "true" } },
    });
    const parts = history.data?.parts ?? [];
    expect(parts.some((p) => p.compacted)).toBe(true);
    expect(parts.filter((p) => !p.compacted)).toEqual(data?.parts.slice(1));
    expect(parts.map((p) => p.seq)).toEqual([...parts.map((p) => p.seq)].sort((a, b) => a - b));
  });

  it("lists the checkpoints marked up to the version shown", async () => {
    const { run, client } = await demoServer();
    const path = { conversation_id: run.checkpoint.conversationId };
    const now = await client.GET("/api/conversations/{conversation_id}", { params: { path } });
    const [checkpoint] = now.data?.checkpoints ?? [];
    expect(checkpoint?.marked_version).toBe(run.checkpoint.version);
    const before = await client.GET("/api/conversations/{conversation_id}", {
      params: { path, query: { version: (checkpoint?.version ?? 1) - 1 } },
    });
    expect(before.data?.checkpoints).toEqual([]);
  });

  it("answers 404 for an unknown conversation or version and 400 naming a bad query value", async () => {
    const { run, client } = await demoServer();
    const unknown = await client.GET("/api/conversations/{conversation_id}", {
      params: { path: { conversation_id: "c0" } },
    });
    expect(unknown.response.status).toBe(404);
    expect(codeOf(unknown.error)).toBe("unknown_conversation");
    const path = { conversation_id: run.colonyConversationId };
    const past = await client.GET("/api/conversations/{conversation_id}", {
      params: { path, query: { version: 100_000 } },
    });
    expect(past.response.status).toBe(404);
    expect(codeOf(past.error)).toBe("conversation_version_not_found");
    for (const [query, field] of [
      [{ version: -1 }, "query.version"],
      [{ version: 1.5 }, "query.version"],
      [{ version: "1e3" }, "query.version"],
      [{ history: "yes" }, "query.history"],
      [{ at: 3 }, "query"],
    ] as const) {
      const bad = await client.GET("/api/conversations/{conversation_id}", {
        params: { path, query: query as never },
      });
      expect(bad.response.status, JSON.stringify(query)).toBe(400);
      expect(fieldsOf(bad.error)).toEqual([field]);
    }
  });
});

describe("the log and its streams", () => {
  it("pages the log by global position", async () => {
    const { host, client } = await demoServer();
    const head = Number(await host.db.events.headPosition());
    const first = await client.GET("/api/log", { params: { query: { limit: 5 } } });
    expect(first.data?.events.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
    expect(first.data).toMatchObject({ next_from: 6, head_position: head });
    expect(first.data?.events[0]).toMatchObject({
      stream_id: expect.stringMatching(/^session-/),
      version: 0,
      type: "SessionStarted",
      metadata: { schema_version: 1, recorded_at: expect.any(String), event_id: expect.any(String) },
    });
    const last = await client.GET("/api/log", { params: { query: { from: head } } });
    expect(last.data).toMatchObject({ next_from: null, head_position: head });
    expect(last.data?.events.map((e) => e.position)).toEqual([head]);
    const past = await client.GET("/api/log", { params: { query: { from: head + 1 } } });
    expect(past.data).toEqual({ events: [], next_from: null, head_position: head });
  });

  it("refuses bad paging values naming the field", async () => {
    const { client } = await demoServer();
    for (const [query, field] of [
      [{ limit: 0 }, "query.limit"],
      [{ limit: 1001 }, "query.limit"],
      [{ from: -1 }, "query.from"],
      [{ from: "0x10" }, "query.from"],
      [{ from: "" }, "query.from"],
      [{ page: 2 }, "query"],
    ] as const) {
      const bad = await client.GET("/api/log", { params: { query: query as never } });
      expect(bad.response.status, JSON.stringify(query)).toBe(400);
      expect(fieldsOf(bad.error)).toEqual([field]);
    }
  });

  it("reads one stream by version, 404s an unknown one and refuses a malformed id", async () => {
    const { run, client } = await demoServer();
    const stream_id = `worker-${run.checkpoint.workerId}`;
    const { data } = await client.GET("/api/streams/{stream_id}", {
      params: { path: { stream_id }, query: { limit: 2 } },
    });
    expect(data?.events.map((e) => [e.version, e.type])).toEqual([
      [0, "WorkerSpawned"],
      [1, "WorkerStarted"],
    ]);
    expect(data?.events.every((e) => e.stream_id === stream_id)).toBe(true);
    expect(data?.next_from).toBe(2);
    const rest = await client.GET("/api/streams/{stream_id}", { params: { path: { stream_id }, query: { from: 2 } } });
    expect(rest.data?.next_from).toBeNull();
    expect(rest.data?.events.at(-1)).toMatchObject({ version: rest.data?.last_version, type: "WorkerReported" });

    const unknown = await client.GET("/api/streams/{stream_id}", { params: { path: { stream_id: "worker-w0" } } });
    expect(unknown.response.status).toBe(404);
    expect(codeOf(unknown.error)).toBe("stream_not_found");
    for (const bad of ["worker", "robot-1", "worker-a b", "-x"]) {
      const refused = await client.GET("/api/streams/{stream_id}", { params: { path: { stream_id: bad } } });
      expect(refused.response.status, bad).toBe(400);
      expect(fieldsOf(refused.error)).toEqual(["params.stream_id"]);
    }
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, expect } from "vitest";
import { buildApi } from "../../../../src/adapters/http/api.js";
import { ColonyHost } from "../../../../src/adapters/http/colony-host.js";
import { ScriptedProvider, type ScriptedTurn } from "../../../../src/adapters/llm/scripted-provider.js";
import type {
  CompleteOptions,
  LlmProvider,
  LlmRequest,
  LlmResponse,
} from "../../../../src/domain/ports/llm-provider.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field and checked by the assertions.
export type Json = Record<string, any>;

export interface Answer {
  readonly status: number;
  readonly body: Json;
}

const lastUser = (request: LlmRequest) => [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";

/**
 * The model of these tests, a function of the request: a summary when no tool is offered (a
 * compaction), a reply naming the person's last message for a queen (a colony queen asked to
 * delegate calls delegate first), and for a worker one report_to_parent call naming its task.
 */
export function scriptedModel(): ScriptedProvider {
  return new ScriptedProvider((request): ScriptedTurn => {
    const tools = new Set(request.tools.map((t) => t.name));
    if (tools.size === 0) return { content: "Summary: the person asked the queen about the texts." };
    if (tools.has("colony_spawn") || tools.has("seed_tasks")) {
      if (request.messages.at(-1)?.role === "tool") return { content: "Queen: the tools answered" };
      if (tools.has("delegate") && lastUser(request).startsWith("please delegate")) {
        return { toolCalls: [{ name: "delegate", arguments: { goal: "count b.txt" } }] };
      }
      return { content: `Queen: noted "${lastUser(request)}"` };
    }
    const task = /Your task: ([^\n]*)/.exec(request.messages.map((m) => m.content).join("\n"))?.[1] ?? "?";
    return { toolCalls: [{ name: "report_to_parent", arguments: { status: "success", summary: `done: ${task}` } }] };
  });
}

/** A model whose calls wait until opened; a waiting call gives up when its turn is aborted. */
export class HeldModel implements LlmProvider {
  readonly name = "held";
  calls = 0;
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  private readonly inner = scriptedModel();

  release(): void {
    this.open();
  }

  async complete(request: LlmRequest, options: CompleteOptions = {}): Promise<LlmResponse> {
    this.calls++;
    const { signal } = options;
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      void this.opened.then(resolve);
    });
    return this.inner.complete(request, options);
  }
}

export class World {
  constructor(
    readonly host: ColonyHost,
    readonly app: FastifyInstance,
  ) {}

  async call(method: "GET" | "POST", url: string, body?: unknown): Promise<Answer> {
    const response = await this.app.inject({ method, url, ...(body === undefined ? {} : { payload: body as never }) });
    return { status: response.statusCode, body: response.json() as Json };
  }

  post(url: string, body?: unknown): Promise<Answer> {
    return this.call("POST", url, body);
  }

  get(url: string): Promise<Answer> {
    return this.call("GET", url);
  }

  head(): Promise<bigint> {
    return this.host.db.events.headPosition();
  }

  /** A request answered with the error, the log left as it was. */
  async refused(method: "GET" | "POST", url: string, body: unknown, status: number, code: string): Promise<Json> {
    const before = await this.head();
    const answer = await this.call(method, url, body);
    expect(answer.body.error?.code, JSON.stringify(answer.body)).toBe(code);
    expect(answer.status).toBe(status);
    expect(await this.head()).toBe(before);
    return answer.body.error as Json;
  }

  /** Bad input: 400 invalid_request naming the field, nothing appended. */
  async invalid(method: "GET" | "POST", url: string, body: unknown, path: string): Promise<Json> {
    const error = await this.refused(method, url, body, 400, "invalid_request");
    expect((error.details.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    return error;
  }

  async startSession(body: Json = {}): Promise<Json> {
    const answer = await this.post("/api/sessions", body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body;
  }

  /** A person's session and the colony spawned from it; the colony queen's session runs the colony. */
  async colony(
    spawn: Json = {},
  ): Promise<{ personId: string; sessionId: string; colonyId: string; taskIds: string[] }> {
    const person = await this.startSession();
    const answer = await this.post(`/api/sessions/${person.session_id}/colony-spawn`, {
      colony_name: "texts",
      tasks: [{ goal: "count the words of a.txt" }],
      ...spawn,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return {
      personId: person.session_id,
      sessionId: answer.body.queen_session_id,
      colonyId: answer.body.colony_id,
      taskIds: answer.body.task_ids,
    };
  }

  async parts(conversationId: string) {
    return (await this.host.conversations.history(conversationId)).parts;
  }

  async workerRow(workerId: string) {
    return this.host.readModels.selectFrom("workers").selectAll().where("id", "=", workerId).executeTakeFirst();
  }

  async eventTypes(streamId: string): Promise<string[]> {
    const types: string[] = [];
    for await (const event of this.host.db.events.readStream(streamId)) types.push(event.type);
    return types;
  }
}

/** Worlds on real SQLite files in temp dirs, closed and removed after each test. */
export function worlds(): (model?: LlmProvider | null) => Promise<World> {
  const opened: { world: World; dir: string }[] = [];
  afterEach(async () => {
    for (const { world, dir } of opened.splice(0)) {
      await world.app.close();
      await world.host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return async (model = scriptedModel()) => {
    const dir = mkdtempSync(join(tmpdir(), "colonylog-http-"));
    const host = await ColonyHost.open(join(dir, "colony.db"), { ...(model ? { model } : {}), filesRoot: dir });
    const world = new World(host, buildApi(host, { version: "test" }));
    opened.push({ world, dir });
    return world;
  };
}

/** Polls until `check` holds; the deadline only keeps a broken run from hanging. */
export async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

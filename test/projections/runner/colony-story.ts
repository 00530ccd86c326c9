import type { NewEvent } from "../../../src/domain/envelope.js";
import type { EventInput, EventType } from "../../../src/domain/events/catalogue.js";
import type { StreamAppend } from "../../../src/domain/ports/event-store.js";

/**
 * Writes valid colony stories from a source of numbers: every event passes its schema, each
 * stream starts with its creating event and keeps consistent versions, and references point at
 * things that exist (a fork's parent and version, a claimed task's worker and token, a step
 * that was seeded, a delegation that was dispatched...). The same numbers give the same story,
 * so fast-check can generate and shrink them, and a seeded generator can write 50k events.
 */
export type Draw = (max: number) => number;

/** Numbers from a tape (fast-check's), then zeros: shrinking the tape simplifies the story. */
export function tapeDraw(tape: readonly number[]): Draw {
  let i = 0;
  return (max) => (max <= 1 ? 0 : (tape[i++] ?? 0) % max);
}

/** A small seeded generator (mulberry32), for large deterministic logs. */
export function seededDraw(seed: number): Draw {
  let a = seed >>> 0;
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return max <= 1 ? 0 : Math.floor(r * max);
  };
}

const profile = {
  systemPrompt: "You are a worker.",
  toolNames: ["claim_task", "report_to_parent"],
  loopConfig: { maxIterations: 10 },
  inputData: {},
};
const limits = { maxContextTokens: 100_000, compactionBufferTokens: 4_000, compactionRatio: 0.1 };

type WorkerState = "spawned" | "queued" | "running" | "reported" | "stopped" | "failed";
interface Worker {
  id: string;
  state: WorkerState;
  attempt: number;
}
interface Conversation {
  id: string;
  version: number;
  /** The next part's seq (a fork continues after the parts it inherits). */
  nextSeq: number;
  /** nextSeq after each version, to fork at any version. */
  seqAt: number[];
  openToolCall: string | null;
}
interface Task {
  id: string;
  state: "pending" | "claimed" | "done";
  worker: string | null;
  token: string | null;
  steps: number[];
  sop: string[];
  retries: number;
}
interface Colony {
  id: string;
  triggers: string[];
  firings: number;
}
interface Session {
  id: string;
  phase: "independent" | "incubating" | "working" | "reviewing";
  dispatched: string[];
  completed: string[];
  locked: boolean;
}

const phases = ["independent", "incubating", "working", "reviewing"] as const;
const statuses = ["success", "partial", "failed", "timeout", "stopped"] as const;

export class ColonyStory {
  readonly versions = new Map<string, number>();
  private readonly workers: Worker[] = [];
  private readonly conversations: Conversation[] = [];
  private readonly tasks: Task[] = [];
  private readonly colonies: Colony[] = [];
  private readonly sessions: Session[] = [];
  private idempotencyKeys = 0;
  private counter = 0;

  constructor(private readonly draw: Draw) {}

  /** The next append: one stream, its expected version, one or a few events. */
  next(): StreamAppend {
    const kinds = [
      () => this.worker(),
      () => this.worker(),
      () => this.conversation(),
      () => this.conversation(),
      () => this.task(),
      () => this.colony(),
      () => this.session(),
      () => this.idempotency(),
    ];
    return (kinds[this.draw(kinds.length)] as () => StreamAppend)();
  }

  /** `count` appends' worth of stories, as appends. */
  appends(count: number): StreamAppend[] {
    return Array.from({ length: count }, () => this.next());
  }

  private id(prefix: string): string {
    return `${prefix}${++this.counter}`;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.draw(items.length)];
  }

  private text(what: string): string {
    const words = ["ants", "colony", "paper", "résumé ✓", "line\nbreak", "'quoted'", ""];
    return `${what} ${words[this.draw(words.length)]}`;
  }

  private append(streamId: string, events: NewEvent[]): StreamAppend {
    const version = this.versions.get(streamId);
    this.versions.set(streamId, (version ?? -1) + events.length);
    return { streamId, expectedVersion: version === undefined ? "no_stream" : BigInt(version), events };
  }

  private event<T extends EventType>(type: T, data: EventInput<T>): NewEvent {
    return { type, data };
  }

  private colonyId(): string {
    return this.pick(this.colonies)?.id ?? "c0";
  }

  private worker(): StreamAppend {
    const live = this.workers.filter((w) => w.state !== "reported");
    const worker = this.draw(4) === 0 ? undefined : this.pick(live);
    if (!worker) {
      const id = this.id("w");
      const conversation = this.pick(this.conversations);
      this.workers.push({ id, state: "spawned", attempt: 0 });
      const batch = this.draw(2) === 0;
      return this.append(`worker-${id}`, [
        this.event("WorkerSpawned", {
          workerId: id,
          colonyId: this.colonyId(),
          parentSessionId: this.pick(this.sessions)?.id ?? null,
          task: this.text("read"),
          inputData: { n: this.draw(100) },
          profile,
          conversationId: conversation?.id ?? `k-${id}`,
          persistent: this.draw(5) === 0,
          batchId: batch ? "b1" : null,
          batchIndex: batch ? this.draw(10) : null,
        }),
      ]);
    }
    const stream = `worker-${worker.id}`;
    const to = (state: WorkerState, event: NewEvent) => {
      worker.state = state;
      return this.append(stream, [event]);
    };
    switch (worker.state) {
      case "spawned":
      case "queued": {
        if (worker.state === "spawned" && this.draw(3) === 0) {
          return to("queued", this.event("WorkerQueued", { reason: "concurrency cap" }));
        }
        if (this.draw(5) === 0) return to("stopped", this.event("WorkerStopped", { reason: "stop all" }));
        worker.attempt++;
        return to("running", this.event("WorkerStarted", { attempt: worker.attempt }));
      }
      case "running": {
        const choice = this.draw(4);
        if (choice === 0) {
          return to("failed", this.event("WorkerFailed", { error: this.text("error"), fatal: this.draw(2) === 0 }));
        }
        if (choice === 1) return to("stopped", this.event("WorkerStopped", { reason: "stopped by queen" }));
        return to(
          "reported",
          this.event("WorkerReported", {
            status: statuses[this.draw(statuses.length)] as (typeof statuses)[number],
            summary: this.text("summary"),
            data: this.draw(2) === 0 ? null : { pages: this.draw(50), nested: { ok: true } },
            error: this.draw(3) === 0 ? "partial failure" : null,
            durationMs: this.draw(100_000),
            tokens: { inputTokens: this.draw(10_000), outputTokens: this.draw(2_000) },
          }),
        );
      }
      default: {
        worker.attempt++;
        return to("running", this.event("WorkerResurrected", { attempt: worker.attempt, reason: "crashed" }));
      }
    }
  }

  private conversation(): StreamAppend {
    const conversation = this.draw(5) === 0 ? undefined : this.pick(this.conversations);
    if (!conversation) {
      const id = this.id("k");
      const parent = this.draw(2) === 0 ? this.pick(this.conversations) : undefined;
      const owner = { kind: this.draw(2) === 0 ? ("queen" as const) : ("worker" as const), id: this.id("o") };
      if (!parent) {
        this.conversations.push({ id, version: 0, nextSeq: 0, seqAt: [0], openToolCall: null });
        return this.append(`conversation-${id}`, [
          this.event("ConversationStarted", { conversationId: id, owner, systemPrompt: this.text("prompt"), limits }),
        ]);
      }
      const parentVersion = this.draw(parent.version + 1);
      const nextSeq = parent.seqAt[parentVersion] ?? 0;
      this.conversations.push({ id, version: 0, nextSeq, seqAt: [nextSeq], openToolCall: null });
      return this.append(`conversation-${id}`, [
        this.event("ConversationForked", {
          conversationId: id,
          owner,
          parentConversationId: parent.id,
          parentVersion,
          reason: "spawn",
        }),
      ]);
    }
    const stream = `conversation-${conversation.id}`;
    const record = (event: NewEvent, seqAfter: number) => {
      conversation.version++;
      conversation.nextSeq = seqAfter;
      conversation.seqAt.push(seqAfter);
      return this.append(stream, [event]);
    };
    const seq = conversation.nextSeq;
    if (conversation.openToolCall) {
      const toolCallId = conversation.openToolCall;
      conversation.openToolCall = null;
      return record(
        this.event("MessagePartAppended", { seq, role: "tool", content: this.text("result"), toolCallId }),
        seq + 1,
      );
    }
    const choice = this.draw(8);
    if (choice === 0 && seq > 0) {
      return record(
        this.event("ConversationCompacted", {
          throughSeq: this.draw(seq),
          summary: this.text("summary"),
          method: this.draw(2) === 0 ? "llm" : "extractive",
          counts: { partsCompacted: this.draw(seq + 1), tokensBefore: 5000, tokensAfter: 500 },
        }),
        seq,
      );
    }
    if (choice === 1) {
      return record(
        this.event("CheckpointMarked", {
          label: this.text("checkpoint"),
          version: this.draw(conversation.version + 1),
        }),
        seq,
      );
    }
    if (choice === 2) {
      const id = `call_${this.id("t")}`;
      conversation.openToolCall = id;
      return record(
        this.event("MessagePartAppended", {
          seq,
          role: "assistant",
          content: "",
          toolCalls: [{ id, name: "claim_task", arguments: { next: true } }],
          model: "scripted",
          usage: { inputTokens: this.draw(5000), outputTokens: this.draw(500) },
          latencyMs: this.draw(3000),
        }),
        seq + 1,
      );
    }
    const role = choice === 3 ? "assistant" : choice === 4 ? "system" : "user";
    return record(
      this.event("MessagePartAppended", {
        seq,
        role,
        content: this.text(role),
        ...(role === "user" && this.draw(2) === 0 ? { flags: { clientInput: true } } : {}),
        ...(role === "assistant"
          ? { model: "scripted", usage: { inputTokens: this.draw(5000), outputTokens: this.draw(500) }, latencyMs: 12 }
          : {}),
      }),
      seq + 1,
    );
  }

  private task(): StreamAppend {
    const open = this.tasks.filter((t) => t.state !== "done");
    const task = this.draw(3) === 0 ? undefined : this.pick(open);
    if (!task) {
      const id = this.id("t");
      const steps = Array.from({ length: this.draw(3) }, (_, i) => i);
      const sop = Array.from({ length: this.draw(3) }, (_, i) => `sop${i}`);
      this.tasks.push({ id, state: "pending", worker: null, token: null, steps, sop, retries: 0 });
      return this.append(`task-${id}`, [
        this.event("TaskSeeded", {
          taskId: id,
          colonyId: this.colonyId(),
          goal: this.text("goal"),
          seq: this.tasks.length,
          priority: this.draw(5) - 2,
          payload: this.draw(2) === 0 ? null : { url: `https://example.org/${id}` },
          maxRetries: this.draw(3),
          parentTaskId: this.draw(3) === 0 ? (this.pick(this.tasks.slice(0, -1))?.id ?? null) : null,
          source: this.draw(2) === 0 ? "queen" : null,
          steps: steps.map((seq) => ({ seq, title: `step ${seq}`, detail: seq === 0 ? null : "detail" })),
          sopItems: sop.map((key, i) => ({ key, description: `check ${key}`, required: i === 0, note: null })),
        }),
      ]);
    }
    const stream = `task-${task.id}`;
    if (task.state === "pending") {
      task.state = "claimed";
      task.worker = this.pick(this.workers)?.id ?? "w0";
      task.token = this.id("tok");
      return this.append(stream, [this.event("TaskClaimed", { workerId: task.worker, claimToken: task.token })]);
    }
    const workerId = task.worker ?? "w0";
    const claimToken = task.token ?? "tok";
    const choice = this.draw(6);
    const step = this.pick(task.steps);
    if (choice === 0 && step !== undefined) {
      return this.append(stream, [
        this.event("StepStarted", { stepSeq: step, workerId }),
        this.event("StepCompleted", { stepSeq: step, workerId, evidence: this.text("evidence") }),
      ]);
    }
    const key = this.pick(task.sop);
    if (choice === 1 && key !== undefined) {
      return this.append(stream, [this.event("SopItemChecked", { key, workerId, note: this.draw(2) ? "ok" : null })]);
    }
    if (choice === 2) {
      task.state = "pending";
      task.retries++;
      task.worker = null;
      return this.append(stream, [this.event("TaskReleased", { workerId, reason: "stale", retryCount: task.retries })]);
    }
    task.state = "done";
    if (choice === 3) {
      return this.append(stream, [this.event("TaskFailed", { workerId, error: this.text("error"), reason: "error" })]);
    }
    return this.append(stream, [
      this.event("TaskCompleted", { workerId, claimToken, result: this.draw(2) === 0 ? null : { ok: 1 } }),
    ]);
  }

  private colony(): StreamAppend {
    const colony = this.draw(3) === 0 ? undefined : this.pick(this.colonies);
    if (!colony) {
      const id = this.id("c");
      this.colonies.push({ id, triggers: [], firings: 0 });
      return this.append(`colony-${id}`, [
        this.event("ColonyCreated", {
          colonyId: id,
          name: `colony_${id}`,
          sourceSessionId: this.pick(this.sessions)?.id ?? null,
          workerProfile: profile,
          concurrencyHint: this.draw(2) === 0 ? null : 1 + this.draw(8),
        }),
      ]);
    }
    const stream = `colony-${colony.id}`;
    const trigger = this.pick(colony.triggers);
    switch (this.draw(6)) {
      case 0:
        return this.append(stream, [
          this.event("WorkerProfileUpdated", { workerProfile: { ...profile, systemPrompt: this.text("prompt") } }),
        ]);
      case 1: {
        const triggerId = this.id("tr");
        colony.triggers.push(triggerId);
        return this.append(stream, [
          this.event("TriggerRegistered", {
            triggerId,
            kind: "timer",
            config: { kind: "timer", intervalSeconds: 1 + this.draw(600), runImmediately: this.draw(2) === 0 },
            maxConcurrent: 1 + this.draw(3),
            maxResurrections: this.draw(3),
            task: this.text("check"),
          }),
        ]);
      }
      case 2:
        if (trigger) {
          return this.append(stream, [
            this.event("TriggerFired", {
              triggerId: trigger,
              firingId: this.id("f"),
              workerId: this.pick(this.workers)?.id ?? null,
              inputData: {},
              idempotencyKey: null,
            }),
          ]);
        }
        return this.append(stream, [this.event("TimersPaused", { reason: "night" })]);
      case 3:
        if (trigger) {
          colony.triggers = colony.triggers.filter((t) => t !== trigger);
          return this.append(stream, [this.event("TriggerRemoved", { triggerId: trigger })]);
        }
        return this.append(stream, [this.event("TimersResumed", {})]);
      case 4:
        return this.append(stream, [this.event("TimersPaused", { reason: "night" })]);
      default:
        return this.append(stream, [this.event("TimersResumed", {})]);
    }
  }

  private session(): StreamAppend {
    const session = this.draw(3) === 0 ? undefined : this.pick(this.sessions);
    if (!session) {
      const id = this.id("s");
      this.sessions.push({ id, phase: "independent", dispatched: [], completed: [], locked: false });
      return this.append(`session-${id}`, [
        this.event("SessionStarted", {
          sessionId: id,
          queenId: "q1",
          conversationId: this.pick(this.conversations)?.id ?? `k-${id}`,
          colonyId: null,
          phase: "independent",
          provenance: { kind: "new" },
        }),
      ]);
    }
    const stream = `session-${session.id}`;
    const choice = this.draw(6);
    if (choice === 0) {
      const previousPhase = session.phase;
      session.phase = phases[this.draw(phases.length)] as Session["phase"];
      return this.append(stream, [this.event("SessionPhaseChanged", { phase: session.phase, previousPhase })]);
    }
    if (choice === 1 && !session.locked) {
      session.locked = true;
      const colonyId = this.id("c");
      return this.append(stream, [
        this.event("SessionLocked", { colonyId, colonyName: `colony_${colonyId}` }),
        this.event("ColonySpawned", {
          colonyId,
          colonyName: `colony_${colonyId}`,
          conversationId: this.pick(this.conversations)?.id ?? "k0",
          taskCount: this.draw(5),
        }),
      ]);
    }
    const dispatched = this.pick(session.dispatched);
    if (choice === 2 && dispatched) {
      session.dispatched = session.dispatched.filter((d) => d !== dispatched);
      session.completed.push(dispatched);
      return this.append(stream, [
        this.event("DelegationCompleted", {
          delegationId: dispatched,
          status: statuses[this.draw(statuses.length)] as (typeof statuses)[number],
          summary: this.text("done"),
          error: null,
          durationMs: this.draw(10_000),
          modelCalls: this.draw(10),
          exitReason: "reported",
        }),
      ]);
    }
    if (choice === 3 && dispatched) {
      session.dispatched = session.dispatched.filter((d) => d !== dispatched);
      return this.append(stream, [this.event("DelegationInterrupted", { delegationId: dispatched, reason: "stop" })]);
    }
    const completed = this.pick(session.completed);
    if (choice === 4 && completed) {
      session.completed = session.completed.filter((d) => d !== completed);
      return this.append(stream, [
        this.event("DelegationDelivered", {
          delegationId: completed,
          conversationId: this.pick(this.conversations)?.id ?? "k0",
          seq: this.draw(20),
        }),
      ]);
    }
    const delegationId = this.id("d");
    session.dispatched.push(delegationId);
    return this.append(stream, [
      this.event("DelegationDispatched", {
        delegationId,
        goal: this.text("summarise"),
        context: "",
        workerId: this.pick(this.workers)?.id ?? "w0",
      }),
    ]);
  }

  private idempotency(): StreamAppend {
    const key = `key${++this.idempotencyKeys}`;
    return this.append(`idempotency-webhook-${key}`, [
      this.event("IdempotencyKeyRecorded", {
        scope: "webhook",
        key,
        result: { kind: "worker", id: this.pick(this.workers)?.id ?? "w0" },
        expiresAt: "2030-01-01T00:00:00.000Z",
      }),
    ]);
  }
}

/** Counts the events of some appends. */
export function eventCount(appends: readonly StreamAppend[]): number {
  return appends.reduce((n, a) => n + a.events.length, 0);
}

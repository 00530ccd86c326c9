import type { NewEvent } from "../src/domain/envelope.js";
import type { EventInput, EventType } from "../src/domain/events/catalogue.js";
import { prosePool } from "./prose.js";

/** One event bound for one stream, in the order a colony would write it. */
export interface LoggedEvent {
  readonly streamId: string;
  readonly event: NewEvent;
}

/** Workers (each with a task and a forked conversation) per colony episode. */
const WORKERS = 20;
/** Person/queen turns before the colony is spawned, and after the reports come back. */
const QUEEN_TURNS_BEFORE = 20;
const QUEEN_TURNS_AFTER = 5;
const STEPS = 3;
/** Worker conversation parts per task step. */
const PARTS_PER_STEP = 10;
const TEXT_LENGTH = 400;

const text = prosePool(101, TEXT_LENGTH);
const evidence = prosePool(13, 120);

const profile = {
  systemPrompt: "You are a worker of the research colony. Claim a task, do its steps, check its SOP, report.",
  toolNames: ["claim_task", "read_file", "run_tests", "report_to_parent"],
  loopConfig: { maxIterations: 40, maxContextTokens: 120_000 },
  inputData: { repository: "colonylog" },
};

/** Collects an episode's events and knows each stream's current version (for fork markers). */
class Script {
  readonly items: LoggedEvent[] = [];
  private readonly versions = new Map<string, number>();

  add<T extends EventType>(streamId: string, type: T, data: EventInput<T>): void {
    this.items.push({ streamId, event: { type, data } });
    this.versions.set(streamId, this.version(streamId) + 1);
  }

  /** The version of the stream's last event, -1 before the first. */
  version(streamId: string): number {
    return this.versions.get(streamId) ?? -1;
  }
}

/** Message parts of one conversation, numbering `seq` on from where its parent stopped. */
class Conversation {
  private seq: number;
  private calls = 0;

  constructor(
    private readonly script: Script,
    readonly streamId: string,
    firstSeq: number,
    private readonly salt: number,
  ) {
    this.seq = firstSeq;
  }

  get nextSeq(): number {
    return this.seq;
  }

  user(clientInput: boolean): void {
    const seq = this.seq++;
    this.script.add(this.streamId, "MessagePartAppended", {
      seq,
      role: "user",
      content: text(this.salt + seq),
      flags: clientInput ? { clientInput: true } : { trigger: true },
    });
  }

  assistant(withToolCall: boolean): void {
    const seq = this.seq++;
    const n = this.salt + seq;
    this.script.add(this.streamId, "MessagePartAppended", {
      seq,
      role: "assistant",
      content: text(n * 3),
      ...(withToolCall
        ? {
            toolCalls: [
              { id: `call${this.salt}x${++this.calls}`, name: "read_file", arguments: { path: `src/f${n % 97}.ts` } },
            ],
          }
        : {}),
      model: "claude-sonnet",
      usage: { inputTokens: 1_000 + ((n * 131) % 30_000), outputTokens: 20 + ((n * 17) % 900) },
      latencyMs: 150 + ((n * 37) % 4_000),
    });
  }

  /** A tool result answering the last tool call. */
  tool(): void {
    const seq = this.seq++;
    this.script.add(this.streamId, "MessagePartAppended", {
      seq,
      role: "tool",
      content: text(this.salt + seq * 7),
      toolCallId: `call${this.salt}x${this.calls}`,
    });
  }

  compact(partsCompacted: number): void {
    this.script.add(this.streamId, "ConversationCompacted", {
      throughSeq: this.seq - 1,
      summary: text(this.salt + 11),
      method: "llm",
      counts: { partsCompacted, tokensBefore: partsCompacted * 110, tokensAfter: 110 },
    });
  }
}

/**
 * One colony's life, ~1,000 events, ~70% of them message parts of ~400 characters: a person and
 * the queen talk (some turns use a tool), the queen creates a colony, seeds 20 tasks with steps
 * and SOP items and spawns 20 workers, each on a fork of her conversation; the workers run in
 * parallel (their events interleave), claim, work through steps in their own conversations
 * (some compact), check the SOP, complete and report; the queen reviews, compacts and marks a
 * checkpoint. Every payload is valid under the catalogue and the story is consistent (claims
 * before completions, forks at versions that exist).
 */
export function colonyEpisode(n: number): LoggedEvent[] {
  const main = new Script();
  const session = `session-s${n}`;
  const colonyId = `c${n}`;
  main.add(session, "SessionStarted", {
    sessionId: `s${n}`,
    queenId: `queen${n}`,
    conversationId: `q${n}`,
    colonyId: null,
    phase: "independent",
    provenance: { kind: "new" },
  });
  const queen = new Conversation(main, `conversation-q${n}`, 0, n * 1_000);
  main.add(queen.streamId, "ConversationStarted", {
    conversationId: `q${n}`,
    owner: { kind: "queen", id: `queen${n}` },
    systemPrompt: "You are the queen of a colony of workers.",
    limits: { maxContextTokens: 200_000, compactionBufferTokens: 8_000, compactionRatio: 0.2 },
  });
  for (let turn = 0; turn < QUEEN_TURNS_BEFORE; turn++) {
    queen.user(true);
    const usesTool = turn % 5 === 4;
    queen.assistant(usesTool);
    if (usesTool) {
      queen.tool();
      queen.assistant(false);
    }
  }
  main.add(session, "SessionPhaseChanged", { phase: "incubating", previousPhase: "independent" });
  main.add(`colony-${colonyId}`, "ColonyCreated", {
    colonyId,
    name: `colony_${n}`,
    sourceSessionId: `s${n}`,
    workerProfile: profile,
    concurrencyHint: 4,
  });
  main.add(session, "SessionLocked", { colonyId, colonyName: `colony_${n}` });
  for (let j = 0; j < WORKERS; j++) {
    main.add(`task-t${n}x${j}`, "TaskSeeded", {
      taskId: `t${n}x${j}`,
      colonyId,
      goal: text(n + j).slice(0, 80),
      seq: j,
      priority: j % 3,
      payload: { file: `src/f${j}.ts` },
      maxRetries: 3,
      parentTaskId: null,
      source: "queen",
      steps: Array.from({ length: STEPS }, (_, s) => ({ seq: s + 1, title: `step ${s + 1}`, detail: null })),
      sopItems: [
        { key: "tests", description: "the tests pass", required: true, note: null },
        { key: "cite", description: "cite the sources", required: false, note: null },
      ],
    });
  }
  main.add(session, "ColonySpawned", {
    colonyId,
    colonyName: `colony_${n}`,
    conversationId: `q${n}`,
    taskCount: WORKERS,
  });
  main.add(session, "SessionPhaseChanged", { phase: "working", previousPhase: "incubating" });

  // The spawn batch: each worker forks the queen's conversation and gets its task as a new message.
  const workers: Script[] = [];
  for (let j = 0; j < WORKERS; j++) {
    const workerId = `w${n}x${j}`;
    const worker = `worker-${workerId}`;
    const task = `task-t${n}x${j}`;
    main.add(worker, "WorkerSpawned", {
      workerId,
      colonyId,
      parentSessionId: `s${n}`,
      task: `do task t${n}x${j}`,
      inputData: { taskId: `t${n}x${j}` },
      profile,
      conversationId: `k${n}x${j}`,
      persistent: false,
      batchId: `b${n}`,
      batchIndex: j,
    });
    const own = new Script();
    const conversation = new Conversation(main, `conversation-k${n}x${j}`, queen.nextSeq, n * 1_000 + j * 50);
    main.add(conversation.streamId, "ConversationForked", {
      conversationId: `k${n}x${j}`,
      owner: { kind: "worker", id: workerId },
      parentConversationId: `q${n}`,
      parentVersion: main.version(queen.streamId),
      reason: "spawn",
    });
    conversation.user(false);
    const later = new Conversation(own, conversation.streamId, conversation.nextSeq, n * 1_000 + j * 50);
    own.add(worker, "WorkerStarted", { attempt: 1 });
    const claimToken = `ct${n}x${j}`;
    own.add(task, "TaskClaimed", { workerId, claimToken });
    for (let s = 1; s <= STEPS; s++) {
      own.add(task, "StepStarted", { stepSeq: s, workerId });
      for (let p = 0; p < PARTS_PER_STEP / 2; p++) {
        const usesTool = p % 2 === 0;
        later.assistant(usesTool);
        if (usesTool) later.tool();
        else later.user(false);
      }
      own.add(task, "StepCompleted", { stepSeq: s, workerId, evidence: evidence(n + j + s) });
      if (s === 2 && j % 4 === 0) later.compact(2 * PARTS_PER_STEP);
    }
    own.add(task, "SopItemChecked", { key: "tests", workerId, note: null });
    own.add(task, "SopItemChecked", { key: "cite", workerId, note: "two sources" });
    own.add(task, "TaskCompleted", { workerId, claimToken, result: { patched: `src/f${j}.ts` } });
    own.add(worker, "WorkerReported", {
      status: j % 10 === 9 ? "partial" : "success",
      summary: evidence(n * 7 + j),
      data: { files: 1, tests: 12 },
      error: null,
      durationMs: 20_000 + j * 1_000,
      tokens: { inputTokens: 60_000 + j, outputTokens: 4_000 + j },
    });
    workers.push(own);
  }
  // The workers run in parallel: their events interleave, each stream's in its own order.
  const longest = Math.max(...workers.map((w) => w.items.length));
  for (let i = 0; i < longest; i++) {
    for (const worker of workers) {
      const item = worker.items[i];
      if (item) main.items.push(item);
    }
  }
  main.add(session, "SessionPhaseChanged", { phase: "reviewing", previousPhase: "working" });
  for (let turn = 0; turn < QUEEN_TURNS_AFTER; turn++) {
    queen.assistant(false);
    queen.user(true);
  }
  queen.compact(queen.nextSeq - 2);
  main.add(queen.streamId, "CheckpointMarked", { label: "reviewed", version: main.version(queen.streamId) });
  return main.items;
}

/** The first `total` events of colony episodes 0, 1, 2, ... (the last one cut short). */
export function* colonyWorkload(total: number): Generator<LoggedEvent> {
  let emitted = 0;
  for (let n = 0; emitted < total; n++) {
    for (const item of colonyEpisode(n)) {
      if (emitted >= total) return;
      yield item;
      emitted++;
    }
  }
}

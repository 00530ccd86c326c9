import type { NewEvent, NewEventMetadata } from "../../domain/envelope.js";
import type { EventInput, EventType } from "../../domain/events/catalogue.js";

/**
 * The little colony the demo writes: a person asks the queen for docs; the queen spawns a colony
 * with three tasks; a worker forks her conversation, claims the first task and reports.
 */

export const COLONY_ID = "docs";
export const SESSION_ID = "q1";
export const WORKER_ID = "w1";
export const CLAIM_TOKEN = "claim-w1-t1-1";

export const streams = {
  session: `session-${SESSION_ID}`,
  queenConversation: `conversation-${SESSION_ID}`,
  colony: `colony-${COLONY_ID}`,
  workerConversation: `conversation-${WORKER_ID}`,
  worker: `worker-${WORKER_ID}`,
  task: (n: 1 | 2 | 3) => `task-t${n}`,
} as const;

export const CORRELATION_ID = "chat-2024-docs";

/** A catalogue event, its data checked against the schema's input type at compile time. */
export function event<T extends EventType>(type: T, data: EventInput<T>, metadata?: NewEventMetadata): NewEvent<T> {
  return { type, data, ...(metadata ? { metadata } : {}) };
}

export const by = {
  person: { correlationId: CORRELATION_ID, actor: "person:ada" },
  queen: { correlationId: CORRELATION_ID, actor: `queen:${SESSION_ID}` },
  worker: { correlationId: CORRELATION_ID, actor: `worker:${WORKER_ID}` },
} as const;

export const workerProfile = {
  systemPrompt: "You are a careful technical writer. Claim one task at a time and check every SOP item.",
  toolNames: ["read_file", "write_file", "claim_task", "complete_task"],
  loopConfig: { maxIterations: 20, maxContextTokens: 64_000 },
  inputData: { repository: "colonylog" },
};

export const sessionStarted = event(
  "SessionStarted",
  {
    sessionId: SESSION_ID,
    queenId: "queen",
    conversationId: SESSION_ID,
    colonyId: null,
    phase: "independent",
    provenance: { kind: "new" },
  },
  by.queen,
);

export const queenConversationOpening = [
  event(
    "ConversationStarted",
    {
      conversationId: SESSION_ID,
      owner: { kind: "queen", id: SESSION_ID },
      systemPrompt: "You are the queen of a colony of writing agents.",
      limits: { maxContextTokens: 128_000, compactionBufferTokens: 8_000, compactionRatio: 0.5 },
    },
    by.queen,
  ),
  event(
    "MessagePartAppended",
    {
      seq: 0,
      role: "user",
      content: "Please get the docs written: a README, the CLI help and a changelog.",
      flags: { clientInput: true },
    },
    by.person,
  ),
  event(
    "MessagePartAppended",
    {
      seq: 1,
      role: "assistant",
      content: "I'll start a small colony for that.",
      toolCalls: [{ id: "call_1", name: "spawn_colony", arguments: { name: "docs_team", tasks: 3 } }],
      model: "scripted-1",
      usage: { inputTokens: 412, outputTokens: 58 },
      latencyMs: 930,
    },
    by.queen,
  ),
];

export const queenConversationReply = [
  event(
    "MessagePartAppended",
    { seq: 2, role: "tool", content: "colony docs_team created with 3 tasks", toolCallId: "call_1" },
    by.queen,
  ),
  event(
    "MessagePartAppended",
    {
      seq: 3,
      role: "assistant",
      content: "A worker is on it; I'll report back when the README is done.",
      model: "scripted-1",
      usage: { inputTokens: 498, outputTokens: 21 },
      latencyMs: 610,
    },
    by.queen,
  ),
];

export const colonyCreated = event(
  "ColonyCreated",
  {
    colonyId: COLONY_ID,
    name: "docs_team",
    sourceSessionId: SESSION_ID,
    workerProfile,
    concurrencyHint: 2,
  },
  by.queen,
);

export const colonySpawned = event(
  "ColonySpawned",
  { colonyId: COLONY_ID, colonyName: "docs_team", conversationId: SESSION_ID, taskCount: 3 },
  by.queen,
);

const sop = (key: string, description: string) => ({ key, description, required: true, note: null });

export const tasksSeeded = [
  event(
    "TaskSeeded",
    {
      taskId: "t1",
      colonyId: COLONY_ID,
      goal: "Write the README",
      seq: 0,
      priority: 10,
      payload: { file: "README.md" },
      maxRetries: 2,
      parentTaskId: null,
      source: "queen",
      steps: [
        { seq: 0, title: "Draft the README", detail: "what colonylog is, install, the demo" },
        { seq: 1, title: "Proofread", detail: null },
      ],
      sopItems: [sop("links_checked", "every link resolves")],
    },
    by.queen,
  ),
  event(
    "TaskSeeded",
    {
      taskId: "t2",
      colonyId: COLONY_ID,
      goal: "Write the CLI help",
      seq: 1,
      priority: 5,
      payload: null,
      maxRetries: 2,
      parentTaskId: null,
      source: "queen",
      steps: [{ seq: 0, title: "One example per verb", detail: null }],
      sopItems: [sop("examples_run", "every example was run once")],
    },
    by.queen,
  ),
  event(
    "TaskSeeded",
    {
      taskId: "t3",
      colonyId: COLONY_ID,
      goal: "Start the changelog",
      seq: 2,
      priority: 1,
      payload: null,
      maxRetries: 1,
      parentTaskId: null,
      source: "queen",
      steps: [{ seq: 0, title: "List the 0.1.0 changes", detail: null }],
      sopItems: [],
    },
    by.queen,
  ),
];

export function conversationForked(parentVersion: number) {
  return event(
    "ConversationForked",
    {
      conversationId: WORKER_ID,
      owner: { kind: "worker", id: WORKER_ID },
      parentConversationId: SESSION_ID,
      parentVersion,
      reason: "the worker inherits the queen's conversation",
    },
    by.queen,
  );
}

export const workerSpawned = event(
  "WorkerSpawned",
  {
    workerId: WORKER_ID,
    colonyId: COLONY_ID,
    parentSessionId: SESSION_ID,
    task: "work the docs queue",
    inputData: {},
    profile: workerProfile,
    conversationId: WORKER_ID,
    persistent: false,
    batchId: "b1",
    batchIndex: 0,
  },
  by.queen,
);

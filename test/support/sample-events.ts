import type { NewEvent } from "../../src/domain/envelope.js";
import type { EventInput, EventType } from "../../src/domain/events/catalogue.js";

const profile = {
  systemPrompt: "You are a worker of the research colony.",
  toolNames: ["claim_task", "report_to_parent"],
  loopConfig: { maxIterations: 20 },
  inputData: { topic: "ants" },
};

/** One valid payload per event type of the catalogue: the catalogue test checks none is missing. */
export const samples: { [T in EventType]: EventInput<T> } = {
  ColonyCreated: {
    colonyId: "c1",
    name: "research_colony",
    sourceSessionId: "s1",
    workerProfile: profile,
    concurrencyHint: 4,
  },
  WorkerProfileUpdated: { workerProfile: profile },
  TriggerRegistered: {
    triggerId: "t1",
    kind: "timer",
    config: { kind: "timer", intervalSeconds: 60, runImmediately: true },
    maxConcurrent: 1,
    maxResurrections: 3,
    task: "check the inbox",
  },
  TriggerRemoved: { triggerId: "t1" },
  TriggerFired: { triggerId: "t1", firingId: "f1", workerId: "w1", inputData: {}, idempotencyKey: null },
  TimersPaused: { reason: "session paused" },
  TimersResumed: {},
  SessionStarted: {
    sessionId: "s1",
    queenId: "q1",
    conversationId: "k1",
    colonyId: null,
    phase: "independent",
    provenance: { kind: "new" },
  },
  SessionPhaseChanged: { phase: "working", previousPhase: "incubating" },
  SessionLocked: { colonyId: "c1", colonyName: "research_colony" },
  ColonySpawned: { colonyId: "c1", colonyName: "research_colony", conversationId: "k2", taskCount: 3 },
  DelegationDispatched: { delegationId: "d1", goal: "summarise the paper", context: "", workerId: "w9" },
  DelegationCompleted: {
    delegationId: "d1",
    status: "success",
    summary: "done",
    error: null,
    durationMs: 1200,
    modelCalls: 3,
    exitReason: "reported",
  },
  DelegationInterrupted: { delegationId: "d1", reason: "session stopped" },
  DelegationDelivered: { delegationId: "d1", conversationId: "k1", seq: 7 },
  ConversationStarted: {
    conversationId: "k1",
    owner: { kind: "queen", id: "q1" },
    systemPrompt: "You are the queen.",
    limits: { maxContextTokens: 100_000, compactionBufferTokens: 4_000, compactionRatio: 0.1 },
  },
  ConversationForked: {
    conversationId: "k2",
    owner: { kind: "worker", id: "w1" },
    parentConversationId: "k1",
    parentVersion: 4,
    reason: "spawn",
  },
  MessagePartAppended: { seq: 0, role: "user", content: "Find three papers on ant colonies." },
  ConversationCompacted: {
    throughSeq: 10,
    summary: "The person asked for papers; three were found.",
    method: "extractive",
    counts: { partsCompacted: 11, tokensBefore: 9000, tokensAfter: 800 },
  },
  CheckpointMarked: { label: "before tools", version: 3 },
  WorkerSpawned: {
    workerId: "w1",
    colonyId: "c1",
    parentSessionId: "s1",
    task: "read paper 1",
    inputData: {},
    profile,
    conversationId: "k2",
    persistent: false,
    batchId: "b1",
    batchIndex: 0,
  },
  WorkerQueued: { reason: "concurrency cap 4 reached" },
  WorkerStarted: { attempt: 1 },
  WorkerReported: {
    status: "success",
    summary: "read it",
    data: { pages: 12 },
    error: null,
    durationMs: 5000,
    tokens: { inputTokens: 1000, outputTokens: 200 },
  },
  WorkerStopped: { reason: "stop all" },
  WorkerFailed: { error: "provider unreachable", fatal: false },
  WorkerResurrected: { attempt: 2, reason: "crashed" },
  TaskSeeded: {
    taskId: "t1",
    colonyId: "c1",
    goal: "read paper 1",
    seq: 1,
    priority: 0,
    payload: { url: "https://example.org/1" },
    maxRetries: 3,
    parentTaskId: null,
    source: "queen",
    steps: [{ seq: 1, title: "download", detail: null }],
    sopItems: [{ key: "cite", description: "cite the source", required: true, note: null }],
  },
  TaskClaimed: { workerId: "w1", claimToken: "ct1" },
  StepStarted: { stepSeq: 1, workerId: "w1" },
  StepCompleted: { stepSeq: 1, workerId: "w1", evidence: "saved to notes" },
  SopItemChecked: { key: "cite", workerId: "w1", note: null },
  TaskCompleted: { workerId: "w1", claimToken: "ct1", result: null },
  TaskFailed: { workerId: "w1", error: "404", reason: "error" },
  TaskReleased: { workerId: "w1", reason: "stale", retryCount: 1 },
  IdempotencyKeyRecorded: {
    scope: "webhook",
    key: "delivery-42",
    result: { kind: "worker", id: "w1" },
    expiresAt: "2026-11-23T00:00:00.000Z",
  },
};

export function sample<T extends EventType>(type: T, overrides: Partial<EventInput<T>> = {}): NewEvent<T> {
  return { type, data: { ...samples[type], ...overrides } };
}

/** A user message part: the cheapest valid event, for tests that need many. */
export function part(seq: number, content = `part ${seq}`): NewEvent<"MessagePartAppended"> {
  return sample("MessagePartAppended", { seq, content });
}

import { refuse } from "../../domain/deciders/refusal.js";
import { sessionDecider } from "../../domain/deciders/session.js";
import { planTaskSeed } from "../../domain/deciders/task-seed.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { EventData } from "../../domain/events/catalogue.js";
import type { StreamAppend } from "../../domain/ports/event-store.js";
import { parseStreamId } from "../../domain/stream-id.js";
import { CommandRetriesExhaustedError } from "../command-handler.js";
import type { CompactedFork, CompactionFacts } from "../compaction/compactor.js";
import { conversationLimits } from "../compaction/snapshot.js";
import type { ContextLimits } from "../conversations/conversation-log.js";
import { ledgerTables } from "../ledger/ledger-database.js";
import { colonyIdByName, nextSeq } from "../ledger/ledger-reads.js";
import { loadColonyTriggers } from "../triggers/trigger-definitions.js";
import { colonyAppend } from "./colony-append.js";
import {
  type ColonySpawnInput,
  type ColonySpawnRequest,
  parseColonySpawn,
  type SeedBatch,
  seedBatch,
  workerProfile,
} from "./colony-spawn-input.js";
import { type LoadedSession, loadSession, sessionStreamId } from "./load-session.js";
import { DEFAULT_ATTEMPTS, type SessionContext, withMetadata } from "./session-context.js";

export interface ColonySpawnResult {
  readonly colonyId: string;
  readonly colonyName: string;
  /** False when the spawn seeded into a colony of that name created earlier (from another session). */
  readonly isNew: boolean;
  /** The colony queen's own session, forked from the source (the original's queen_session_id). */
  readonly queenSessionId: string;
  readonly sourceSessionId: string;
  /** The colony queen's conversation: a fork of the source's, compacted. */
  readonly conversationId: string;
  /** In seed order. */
  readonly taskIds: readonly string[];
  /** skipped: the source conversation had no parts to compact. */
  readonly compactionStatus: "compacted" | "skipped";
  readonly compaction: CompactionFacts | null;
  /** Log position of the spawn's last event. */
  readonly position: bigint;
}

/** The source session's part: ColonySpawned + SessionLocked, refused (session_locked, session_not_found) by its decider. */
function sourceAppend(
  context: SessionContext,
  source: LoadedSession,
  sessionId: string,
  spawned: { colonyId: string; colonyName: string; conversationId: string; taskCount: number },
): StreamAppend {
  const events = sessionDecider.decide({ type: "RecordColonySpawn", ...spawned }, source.state);
  return {
    streamId: sessionStreamId(sessionId),
    events: withMetadata(context, events),
    expectedVersion: source.version,
  };
}

interface SpawnPlan {
  readonly appends: StreamAppend[];
  readonly colonyId: string;
  readonly isNew: boolean;
  readonly taskIds: readonly string[];
}

interface SpawnFacts {
  readonly request: ColonySpawnRequest;
  readonly batch: SeedBatch;
  readonly sessionId: string;
  readonly started: EventData<"SessionStarted">;
  readonly limits: ContextLimits | null;
  readonly queenSessionId: string;
  /** The colony queen's conversation, the fork. */
  readonly conversationId: string;
  readonly fork: CompactedFork;
}

/** Every stream of the spawn, decided on the session and colony as they stand now. */
async function planSpawn(context: SessionContext, facts: SpawnFacts, source: LoadedSession): Promise<SpawnPlan> {
  const { request, batch, sessionId, started, fork } = facts;
  const ledger = ledgerTables(context.readModels);
  const colonyId = (await colonyIdByName(ledger, request.colonyName)) ?? request.colonyName;
  const loaded = await loadColonyTriggers(context.events, colonyId);
  const seed = planTaskSeed(colonyId, batch.tasks, {
    newTaskId: () => context.ids.uuid(),
    source: batch.source,
    // Tasks added to an existing colony queue behind the ones already there.
    firstSeq: loaded.colony === null ? 0 : await nextSeq(ledger, colonyId),
  });
  const profile = workerProfile(request, facts.limits, colonyId, seed.taskIds);
  const colony = colonyAppend(context, request, loaded, colonyId, sessionId, profile);
  const queenSession = sessionDecider.decide(
    {
      type: "StartSession",
      sessionId: facts.queenSessionId,
      queenId: started.queenId,
      conversationId: facts.conversationId,
      colonyId,
      // The colony queen starts on the work her session was spawned for.
      phase: "working",
      provenance: { kind: "forked", fromSessionId: sessionId },
    },
    sessionDecider.initialState,
  );
  const appends: StreamAppend[] = [
    colony.append,
    ...seed.appends.map((a) => ({ ...a, events: withMetadata(context, a.events) })),
    fork.append,
    {
      streamId: sessionStreamId(facts.queenSessionId),
      events: withMetadata(context, queenSession),
      expectedVersion: "no_stream",
    },
    sourceAppend(context, source, sessionId, {
      colonyId,
      colonyName: request.colonyName,
      conversationId: facts.conversationId,
      taskCount: seed.taskIds.length,
    }),
  ];
  return { appends, colonyId, isNew: colony.isNew, taskIds: seed.taskIds };
}

/**
 * colony-spawn (DESIGN §4, the original's fork_session_into_colony): the queen's conversation is
 * forked into the colony and compacted (the model's summary, or the extractive one), the colony
 * is created (or its worker updated) with its tasks and triggers, the colony queen gets her own
 * session forked from this one, and this session is locked. All of it is one atomic append, so a
 * crash leaves either the whole spawn or none of it, and a spawn racing another on the same
 * session finds it locked and writes nothing. Refused before the model is asked when the input
 * is invalid (invalid_command, invalid_task_seed), or the session is missing or locked.
 */
export async function colonySpawn(
  context: SessionContext,
  sessionId: string,
  input: ColonySpawnInput,
): Promise<ColonySpawnResult> {
  const request = parseColonySpawn(input);
  const batch = seedBatch(request);
  const conversationId = context.ids.uuid();
  let source = await loadSession(context.events, sessionId);
  // Everything that can refuse is checked before the summary is paid for. The ids drawn here
  // are placeholders: this pass only validates, the real ones are drawn when the spawn is planned.
  const validated = planTaskSeed(request.colonyName, batch.tasks, { newTaskId: () => "check", source: batch.source });
  sourceAppend(context, source, sessionId, {
    colonyId: request.colonyName,
    colonyName: request.colonyName,
    conversationId,
    taskCount: validated.taskIds.length,
  });
  const started = source.started;
  if (!started) throw new Error(`session ${sessionId} has state but no SessionStarted`);
  const fork = await context.compactor.compactedFork(
    {
      conversationId,
      parentConversationId: started.conversationId,
      owner: { kind: "queen", id: started.queenId },
      reason: `colony_spawn:${request.colonyName}`,
    },
    { keepLast: request.keepLast ?? 0 },
  );
  const facts: SpawnFacts = {
    request,
    batch,
    sessionId,
    started,
    limits: await conversationLimits(context.readModels, started.conversationId),
    queenSessionId: context.ids.uuid(),
    conversationId,
    fork,
  };
  const maxAttempts = context.maxAttempts ?? DEFAULT_ATTEMPTS;
  let lastConflict: VersionConflictError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    // The fork stays valid across attempts: it is pinned to the parent version it summarises.
    if (attempt > 1) source = await loadSession(context.events, sessionId);
    const plan = await planSpawn(context, facts, source);
    try {
      const results = await context.events.appendMany(plan.appends);
      return {
        colonyId: plan.colonyId,
        colonyName: request.colonyName,
        isNew: plan.isNew,
        queenSessionId: facts.queenSessionId,
        sourceSessionId: sessionId,
        conversationId,
        taskIds: plan.taskIds,
        compactionStatus: fork.compaction ? "compacted" : "skipped",
        compaction: fork.compaction,
        position: results.at(-1)?.events.at(-1)?.position ?? 0n,
      };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const { category, id } = parseStreamId(error.streamId);
      // A task id the caller chose is taken: no retry will free it.
      if (category === "task") throw refuse("task_already_exists", `task ${id} already exists`, { taskId: id });
      // Anything else moved under us (the session was locked, the colony created): decide again.
      lastConflict = error;
    }
  }
  throw new CommandRetriesExhaustedError(sessionStreamId(sessionId), maxAttempts, lastConflict as VersionConflictError);
}

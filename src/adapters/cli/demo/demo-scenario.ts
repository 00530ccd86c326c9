import type { LlmProvider } from "../../../domain/ports/llm-provider.js";
import { agentBrain } from "../../../runtime/agents/agent-brain.js";
import { type AgentOutcome, runAgent } from "../../../runtime/agents/agent-loop.js";
import { type ReplayOutcome, replay } from "../../../runtime/agents/replay/replay.js";
import { ToolRegistry } from "../../../runtime/agents/tool.js";
import { type ColonyToolKit, colonyToolKit } from "../../../runtime/agents/tool-kit.js";
import { fileTools } from "../../../runtime/agents/tools/file-tools.js";
import { colonySpawnTool } from "../../../runtime/agents/tools/session-tools.js";
import { TurnGate } from "../../../runtime/agents/turn-gate.js";
import type { WorkerBrain } from "../../../runtime/colony/worker-brain.js";
import type { DelegationRecord } from "../../../runtime/delegation/delegation-record.js";
import { DelegationService } from "../../../runtime/delegation/delegation-service.js";
import { startSession } from "../../../runtime/sessions/start-session.js";
import { ColonyHost } from "../../http/colony-host.js";
import type { StoreLocation } from "../../store-location.js";
import { COLONY_BRIEF, PERSON_REQUEST } from "./demo-model.js";

/** The demo's queen: how `colony demo` knows a log it may delete is its own. */
export const DEMO_QUEEN_ID = "demo_queen";

/** A worker goes through several tasks, eight or so model calls each. */
const WORKER_MAX_ITERATIONS = 400;

const QUEEN_PROMPT =
  "You are the queen of a colony of agents. You talk with a person, split their request into tasks, " +
  "create a colony for them, spawn workers that claim the tasks, and collect the workers' reports.";

export interface DemoRun {
  readonly sessionId: string;
  readonly colonyId: string;
  readonly colonySessionId: string;
  readonly queenConversationId: string;
  readonly colonyConversationId: string;
  /** The queen's answers: to the person, after the colony's work, and to the delegated result. */
  readonly replies: readonly string[];
  readonly delegation: DelegationRecord;
  readonly checkpoint: { readonly workerId: string; readonly conversationId: string; readonly version: number };
  readonly replay: ReplayOutcome;
  readonly modelCalls: number;
}

/**
 * The demo's story (issue 5 item 7), on real components: a person asks the queen to analyse the
 * shipped texts; she forks her conversation into a colony (compacted) with two tasks per text;
 * the colony's queen spawns workers (forks of her conversation) that claim the tasks and do them
 * with real tools, delegates one question in the background, and collects the reports; the
 * delegated result arrives as a turn of its own; a worker's conversation gets a checkpoint, and
 * a recorded replay from it reproduces that worker's outcome.
 */
export async function runDemoScenario(
  location: string | StoreLocation,
  model: LlmProvider,
  filesRoot: string,
): Promise<DemoRun> {
  const host = await ColonyHost.open(location, { model, filesRoot });
  const { db, ids, conversations, sessions } = host;
  let modelCalls = 0;
  const counted = (outcome: AgentOutcome) => {
    modelCalls += outcome.modelCalls;
    return outcome;
  };
  const replies: string[] = [];
  const turn = async (agentId: string, conversationId: string, tools: ToolRegistry) => {
    const outcome = counted(
      await runAgent({ agentId, conversationId, conversations, model, tools, maxIterations: 20 }),
    );
    replies.push(outcome.reply);
    return outcome;
  };

  let delegations: DelegationService | undefined;
  try {
    // The person's session: the queen looks at the files and spawns a colony for the work.
    const session = await startSession(sessions, { queenId: DEMO_QUEEN_ID, systemPrompt: QUEEN_PROMPT });
    await conversations.append(session.conversationId, {
      role: "user",
      content: PERSON_REQUEST,
      flags: { clientInput: true },
    });
    await turn(
      DEMO_QUEEN_ID,
      session.conversationId,
      new ToolRegistry([
        ...fileTools(filesRoot),
        colonySpawnTool(sessions, session.sessionId, {
          inputData: { files_root: filesRoot },
          loopConfig: { maxIterations: WORKER_MAX_ITERATIONS },
        }),
      ]),
    );
    const colonySession = await db.readModels
      .selectFrom("sessions")
      .select(["id", "colony_id", "conversation_id"])
      .where("colony_id", "is not", null)
      .where("id", "!=", session.sessionId)
      .executeTakeFirst();
    if (!colonySession?.colony_id) throw new Error("the queen did not spawn a colony");
    const colonyId = colonySession.colony_id;

    // The colony: its queen's workers, her background delegation, her turns kept apart by a gate.
    const runtime = await host.runtime(colonyId);
    const { ledger, compactor } = host;
    const gate = new TurnGate();
    delegations = await DelegationService.open({
      store: db.events,
      conversations,
      runtime,
      parent: gate,
      sessionId: colonySession.id,
      ids,
    });
    let kit: ColonyToolKit | undefined;
    const brain: WorkerBrain = agentBrain({
      conversations,
      model,
      tools: (worker) => (kit as ColonyToolKit).worker(worker.workerId),
      compactor,
      onOutcome: (_id, outcome) => counted(outcome),
    });
    kit = colonyToolKit({
      filesRoot,
      ledger,
      colonyId,
      queen: { spawn: { runtime, conversations, ids, brain, parentSessionId: colonySession.id }, delegations },
    });
    const colonyQueen = kit.queen;
    await conversations.append(colonySession.conversation_id, { role: "user", content: COLONY_BRIEF });
    await gate.turn(() => turn(DEMO_QUEEN_ID, colonySession.conversation_id, colonyQueen));

    // The delegated answer enters the colony queen's conversation once she is idle: her next turn.
    const [dispatched] = delegations.list();
    if (!dispatched) throw new Error("the colony queen delegated nothing");
    await delegations.completion(dispatched.delegationId);
    await until(() => delegations?.list().find((d) => d.delegationId === dispatched.delegationId)?.delivered != null);
    gate.takeDelivered();
    await gate.turn(() => turn(DEMO_QUEEN_ID, colonySession.conversation_id, colonyQueen));
    const delegation = delegations.list().find((d) => d.delegationId === dispatched.delegationId) as DelegationRecord;

    // A checkpoint in a worker's conversation, after its first completed task, and a recorded replay from it.
    const checkpoint = await firstTaskCheckpoint(host, colonyId, dispatched.workerId);
    const replayed = await replay(
      {
        runtime,
        conversations,
        readModels: db.readModels,
        ids,
        tools: (w) => (kit as ColonyToolKit).worker(w.workerId),
      },
      checkpoint.workerId,
      { fromVersion: checkpoint.version, mode: "recorded" },
    );
    return {
      sessionId: session.sessionId,
      colonyId,
      colonySessionId: colonySession.id,
      queenConversationId: session.conversationId,
      colonyConversationId: colonySession.conversation_id,
      replies,
      delegation,
      checkpoint,
      replay: replayed,
      modelCalls,
    };
  } finally {
    await delegations?.close();
    await host.close();
  }
}

/** Marks the version after a worker's first complete_task result as a checkpoint. */
async function firstTaskCheckpoint(host: ColonyHost, colonyId: string, except: string) {
  const { conversations } = host;
  const workers = await host.db.readModels
    .selectFrom("workers")
    .select(["id", "conversation_id"])
    .where("colony_id", "=", colonyId)
    .where("id", "!=", except)
    .where("report_status", "=", "success")
    // Spawned together in one batch: their index, not their (equal) time, says which came first.
    .orderBy("batch_index")
    .execute();
  for (const worker of workers) {
    const history = await conversations.history(worker.conversation_id);
    const own = history.parts.filter((p) => p.conversationId === worker.conversation_id);
    const calls = new Map(own.flatMap((p) => (p.toolCalls ?? []).map((c) => [c.id, c.name] as const)));
    const done = own.find((p) => p.role === "tool" && p.toolCallId && calls.get(p.toolCallId) === "complete_task");
    if (!done) continue;
    await conversations.markCheckpoint(worker.conversation_id, "first task completed", done.version);
    return { workerId: worker.id, conversationId: worker.conversation_id, version: done.version };
  }
  throw new Error("no worker completed a task");
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("the delegated result was not delivered in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

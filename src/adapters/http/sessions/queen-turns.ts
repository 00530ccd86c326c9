import type { LlmProvider } from "../../../domain/ports/llm-provider.js";
import { type AgentOutcome, runAgent } from "../../../runtime/agents/agent-loop.js";
import type { ToolRegistry } from "../../../runtime/agents/tool.js";
import { TurnGate } from "../../../runtime/agents/turn-gate.js";
import type { Compactor } from "../../../runtime/compaction/compactor.js";
import type { ConversationLog } from "../../../runtime/conversations/conversation-log.js";
import type { ParentTurns } from "../../../runtime/delegation/parent-turns.js";
import type { LiveBus } from "../../../runtime/live-bus.js";

/** What a session's queen runs her turns with; built once per session. */
export interface QueenSeat {
  /** Her id, as the live bus names the agent that speaks. */
  readonly agentId: string;
  readonly conversationId: string;
  readonly tools: ToolRegistry;
  /** Ends what the seat keeps running (her background delegations). */
  close(): Promise<void>;
}

export interface QueenTurnsDeps {
  readonly conversations: ConversationLog;
  readonly compactor: Pick<Compactor, "compactIfNeeded">;
  readonly bus: LiveBus;
  /** `parent` is her turns, as delegation delivery needs them. */
  readonly seat: (sessionId: string, parent: ParentTurns) => Promise<QueenSeat>;
  /** Read before each turn: a session locked meanwhile (she spawned a colony) takes no further turn. */
  readonly isLocked: (sessionId: string) => Promise<boolean>;
  readonly maxIterations?: number;
}

/** How the queen's last turn ended, in this process. */
export interface TurnRecord {
  readonly exit: AgentOutcome["exit"] | "failed";
  readonly reply: string;
  readonly error: string | null;
  readonly modelCalls: number;
  readonly toolCalls: number;
  readonly finishedAt: string;
}

interface QueenState {
  readonly sessionId: string;
  readonly gate: TurnGate;
  /** The person's messages no turn has read yet. */
  readonly mailbox: string[];
  /** Completions delivered into her conversation since her last turn began. */
  deliveries: number;
  /** Set from the moment a turn is scheduled until it ends, so a message that arrives meanwhile joins it. */
  abort: AbortController | null;
  seat: Promise<QueenSeat> | null;
  lastTurn: TurnRecord | null;
}

export type ChatTurn = "started" | "running";

/**
 * The queens' turns (the original's queen node, one per session): each session's turns run one at
 * a time through its TurnGate, so a delegated completion is never delivered inside one. A message
 * for a queen mid-turn is handed to that turn and read at its next model call (never between a
 * tool call and its result); one for an idle queen starts a turn. Turns run in the background.
 */
export class QueenTurns {
  private readonly states = new Map<string, QueenState>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: QueenTurnsDeps) {}

  chat(sessionId: string, message: string, model: LlmProvider): ChatTurn {
    const state = this.state(sessionId);
    state.mailbox.push(message);
    if (state.abort) return "running";
    this.schedule(state, model);
    return "started";
  }

  /**
   * Appends a part to her conversation between turns (no turn is started for it). Resolves once
   * appended when she is idle; when she is mid-turn, `appended` settles after that turn.
   */
  between(sessionId: string, append: () => Promise<number>): { idle: boolean; appended: Promise<number> } {
    const state = this.state(sessionId);
    const idle = state.abort === null;
    return { idle, appended: state.gate.turn(append) };
  }

  /** Aborts her turn in progress; false when she has none. */
  cancel(sessionId: string): boolean {
    const abort = this.states.get(sessionId)?.abort;
    if (!abort || abort.signal.aborted) return false;
    abort.abort(new Error("the queen's turn was cancelled"));
    return true;
  }

  status(sessionId: string): { turnRunning: boolean; pendingMessages: number; lastTurn: TurnRecord | null } {
    const state = this.states.get(sessionId);
    return {
      turnRunning: state?.abort != null,
      pendingMessages: state?.mailbox.length ?? 0,
      lastTurn: state?.lastTurn ?? null,
    };
  }

  /** Cancels every turn, waits for them, then closes the seats. */
  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.states.values()) state.abort?.abort(new Error("the server is closing"));
    await Promise.allSettled([...this.running]);
    for (const state of this.states.values()) await (await state.seat?.catch(() => null))?.close();
  }

  private state(sessionId: string): QueenState {
    let state = this.states.get(sessionId);
    if (!state) {
      state = { sessionId, gate: new TurnGate(), mailbox: [], deliveries: 0, abort: null, seat: null, lastTurn: null };
      this.states.set(sessionId, state);
    }
    return state;
  }

  private schedule(state: QueenState, model: LlmProvider): void {
    if (this.closed) return;
    state.abort = new AbortController();
    const run = state.gate
      .turn(() => this.turns(state, model, state.abort as AbortController))
      // Nobody awaits a background turn: keeping the unread messages can fail too, and is told here.
      .catch((error: unknown) => {
        state.lastTurn = record("failed", null, errorText(error));
      });
    this.running.add(run);
    void run.then(() => this.running.delete(run));
  }

  /** Her turns until nothing is left for her: the messages and completions that came in meanwhile included. */
  private async turns(state: QueenState, model: LlmProvider, abort: AbortController): Promise<void> {
    let ran = false;
    try {
      const seat = await this.seat(state, model);
      while ((state.mailbox.length > 0 || state.deliveries > 0) && !abort.signal.aborted) {
        if (await this.deps.isLocked(state.sessionId)) break;
        state.deliveries = 0;
        ran = true;
        const outcome = await runAgent({
          agentId: seat.agentId,
          conversationId: seat.conversationId,
          conversations: this.deps.conversations,
          model,
          tools: seat.tools,
          maxIterations: this.deps.maxIterations ?? 40,
          signal: abort.signal,
          nextInput: () => state.mailbox.splice(0),
          bus: this.deps.bus,
          beforeModelCall: async (id) => void (await this.deps.compactor.compactIfNeeded(id)),
        });
        state.lastTurn = record(outcome.exit, outcome, null);
      }
      if (!ran && abort.signal.aborted) state.lastTurn = record("aborted", null, null);
    } catch (error) {
      state.lastTurn = record("failed", null, errorText(error));
    }
    // Cleared in the same tick as the last check above, so no message can slip in unread.
    state.abort = null;
    const unread = state.mailbox.splice(0);
    // A turn cancelled, failed or stopped by a lock still keeps what the person sent.
    if (unread.length > 0) {
      const seat = await this.seat(state, model);
      await this.deps.conversations.append(
        seat.conversationId,
        ...unread.map((content) => ({ role: "user" as const, content, flags: { clientInput: true } })),
      );
    }
  }

  private seat(state: QueenState, model: LlmProvider): Promise<QueenSeat> {
    if (!state.seat) {
      state.seat = this.deps.seat(state.sessionId, this.parentTurns(state, model));
      state.seat.catch(() => {
        state.seat = null;
      });
    }
    return state.seat;
  }

  /** Her gate, which also gives her a turn on each completion delivered into her conversation. */
  private parentTurns(state: QueenState, model: LlmProvider): ParentTurns {
    return {
      whenIdle: async (signal) => {
        const hold = await state.gate.whenIdle(signal);
        return {
          release: (delivered) => {
            // The gate's own list of deliveries is not used: the count below asks for the turn.
            hold.release(null);
            if (!delivered) return;
            state.deliveries++;
            if (!state.abort) this.schedule(state, model);
          },
        };
      },
    };
  }
}

function record(exit: TurnRecord["exit"], outcome: AgentOutcome | null, error: string | null): TurnRecord {
  return {
    exit,
    reply: outcome?.reply ?? "",
    error,
    modelCalls: outcome?.modelCalls ?? 0,
    toolCalls: outcome?.toolCalls ?? 0,
    finishedAt: new Date().toISOString(),
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

import type { Kysely } from "kysely";
import type { RecordedEvent } from "../../../domain/envelope.js";
import type { ReadModels } from "../../../projections/read-models.js";

type Owner = { readonly kind: string; readonly id: string };

/** Ids per `IN (...)` list, far below SQLite's bound on parameters. */
const CHUNK = 500;

/**
 * The streams that concern one queen session (DESIGN §3), for its event stream:
 *
 * - its own `session-` stream (phases, the colony-spawn lock, its delegations) and the queen's
 *   conversation;
 * - the workers it spawned (`parentSessionId`), and, when the session belongs to a colony, every
 *   worker of that colony, its `colony-` stream and its tasks;
 * - the conversations of those workers, the conversations its delegations run in (owned by the
 *   session), and every fork of a conversation in scope, except forks owned by a queen: those are
 *   other sessions (colony-spawn's colony queen, compact-and-fork), each with a stream of its own.
 *
 * A colony this session spawned is not in it: the spawn's events are (ColonySpawned names the
 * colony), and the colony's own queen session streams its work.
 *
 * Membership never changes once a stream exists, so the scope is loaded from the read models
 * (folded inline: they already hold every event the store will deliver) and then grows with the
 * events streamed, in log order. The runtime creates every such stream in an order these rules
 * see (a worker's conversation is a fork of the queen's, made before the worker), so a client
 * following live gets what a later replay of the same positions gets.
 */
export class SessionScope {
  private readonly streams = new Set<string>();
  private readonly conversations = new Set<string>();

  private constructor(
    readonly sessionId: string,
    private readonly colonyId: string | null,
    queenConversationId: string,
  ) {
    this.streams.add(`session-${sessionId}`);
    if (colonyId !== null) this.streams.add(`colony-${colonyId}`);
    this.addConversation(queenConversationId);
  }

  /** The session's scope as the read models hold it now, or undefined for an unknown session. */
  static async load(db: Kysely<ReadModels>, sessionId: string): Promise<SessionScope | undefined> {
    const session = await db
      .selectFrom("sessions")
      .select(["conversation_id", "colony_id"])
      .where("id", "=", sessionId)
      .executeTakeFirst();
    if (!session) return undefined;
    const scope = new SessionScope(sessionId, session.colony_id, session.conversation_id);
    await scope.loadFrom(db);
    return scope;
  }

  has(streamId: string): boolean {
    return this.streams.has(streamId);
  }

  hasConversation(conversationId: string): boolean {
    return this.conversations.has(conversationId);
  }

  /** Grows the scope with a stream this event brings in. */
  observe(event: RecordedEvent): void {
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case "ConversationStarted":
      case "ConversationForked": {
        const parent = typeof data.parentConversationId === "string" ? data.parentConversationId : null;
        if (this.conversationJoins(data.owner as Owner, parent)) this.addConversation(data.conversationId as string);
        return;
      }
      case "WorkerSpawned":
        if (
          this.workerJoins(
            data.parentSessionId as string | null,
            data.colonyId as string,
            data.conversationId as string,
          )
        ) {
          this.streams.add(`worker-${data.workerId as string}`);
          this.addConversation(data.conversationId as string);
        }
        return;
      case "TaskSeeded":
        if (this.colonyId !== null && data.colonyId === this.colonyId)
          this.streams.add(`task-${data.taskId as string}`);
        return;
    }
  }

  private conversationJoins(owner: Owner, parentId: string | null): boolean {
    if (owner.kind === "session" && owner.id === this.sessionId) return true;
    return owner.kind !== "queen" && parentId !== null && this.conversations.has(parentId);
  }

  private workerJoins(parentSessionId: string | null, colonyId: string, conversationId: string): boolean {
    return (
      parentSessionId === this.sessionId ||
      (this.colonyId !== null && colonyId === this.colonyId) ||
      this.conversations.has(conversationId)
    );
  }

  private addConversation(conversationId: string): boolean {
    if (this.conversations.has(conversationId)) return false;
    this.conversations.add(conversationId);
    this.streams.add(`conversation-${conversationId}`);
    return true;
  }

  /** The rules of `observe`, applied to the read models until nothing more joins. */
  private async loadFrom(db: Kysely<ReadModels>): Promise<void> {
    const { sessionId, colonyId } = this;
    const frontier = [...this.conversations];
    const reach = (conversationId: string) => {
      if (this.addConversation(conversationId)) frontier.push(conversationId);
    };
    if (colonyId !== null) {
      const tasks = await db.selectFrom("tasks").select("id").where("colony_id", "=", colonyId).execute();
      for (const task of tasks) this.streams.add(`task-${task.id}`);
    }
    const owned = await db
      .selectFrom("conversations")
      .select("id")
      .where("owner_kind", "=", "session")
      .where("owner_id", "=", sessionId)
      .execute();
    for (const conversation of owned) reach(conversation.id);
    const spawned = await db
      .selectFrom("workers")
      .select(["id", "conversation_id"])
      .where((w) =>
        colonyId === null
          ? w("parent_session_id", "=", sessionId)
          : w.or([w("parent_session_id", "=", sessionId), w("colony_id", "=", colonyId)]),
      )
      .execute();
    for (const worker of spawned) {
      this.streams.add(`worker-${worker.id}`);
      reach(worker.conversation_id);
    }
    while (frontier.length > 0) {
      const ids = frontier.splice(0, CHUNK);
      const forks = await db
        .selectFrom("conversations")
        .select("id")
        .where("parent_id", "in", ids)
        .where("owner_kind", "!=", "queen")
        .execute();
      for (const fork of forks) reach(fork.id);
      const workers = await db.selectFrom("workers").select("id").where("conversation_id", "in", ids).execute();
      for (const worker of workers) this.streams.add(`worker-${worker.id}`);
    }
  }
}

import type { Kysely } from "kysely";
import type { Task, TaskCommand } from "../../domain/deciders/task.js";
import { parseTaskCommand, taskDecider } from "../../domain/deciders/task.js";
import type { NewEventMetadata } from "../../domain/envelope.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import { streamId } from "../../domain/stream-id.js";
import type { LedgerReadModel } from "../../projections/ledger/ledger-projection.js";
import { handleCommand } from "../command-handler.js";

/** What every part of the task ledger works with: the log, the inline ledger, time and ids. */
export interface LedgerContext {
  readonly events: EventStore;
  readonly ledger: Kysely<LedgerReadModel>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Read-decide-append rounds per command before a version conflict is given up on. */
  readonly maxAttempts: number | undefined;
}

/** Longest `actor` the envelope takes. */
const MAX_ACTOR = 200;

/** Who appended, as the envelope's actor, when it fits the envelope's limit. */
export function actor(name: string): Omit<NewEventMetadata, "eventId" | "recordedAt"> | undefined {
  return name.length <= MAX_ACTOR ? { actor: name } : undefined;
}

/**
 * One command against one task stream through the command handler: validated at this edge (so a
 * bad worker id is refused naming the field, before anything is read), decided on the folded
 * stream, appended with the version read. Returns the task as it stands after the command.
 */
export async function runTaskCommand(
  context: LedgerContext,
  taskId: string,
  command: TaskCommand,
  by: string,
): Promise<Task> {
  const parsed = parseTaskCommand(command);
  const result = await handleCommand(context.events, taskDecider, streamId("task", taskId), parsed, {
    maxAttempts: context.maxAttempts,
    metadata: actor(by),
  });
  // Every command but EnqueueTask refuses a task that does not exist, and EnqueueTask creates it.
  return result.state as Task;
}

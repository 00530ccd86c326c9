import type Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { openColonyDatabase, type SqliteColonyDatabase } from "../src/adapters/sqlite/open-colony-database.js";
import type { ConversationsReadModel } from "../src/projections/conversations/conversations-projection.js";
import type { AnyProjection } from "../src/projections/projection.js";
import { allProjections } from "../src/projections/read-models.js";

/** A projection of any read model, as `allProjections` lists them. */

/** Whether the conversations projection is registered (the live-context and fork rows need it). */
export function conversationsRegistered(projections: readonly AnyProjection[] = allProjections): boolean {
  return projections.some((p) => p.name === "conversations");
}

export interface ConversationDatabase {
  readonly colony: SqliteColonyDatabase;
  /** The conversations read model of the same file, for `liveContext`. */
  readonly readModels: Kysely<ConversationsReadModel>;
}

/** A colony database with every registered projection (or those given), the conversations read model typed. */
export async function openConversationDatabase(
  file: string,
  projections: readonly AnyProjection[] = allProjections,
): Promise<ConversationDatabase> {
  if (!conversationsRegistered(projections)) throw new Error("the conversations projection is not registered");
  const colony = await openColonyDatabase(file, { projections });
  return { colony, readModels: readModelsOf(colony.events.database) };
}

/** A Kysely of its own over a colony database's connection, the conversations read model typed. */
export function readModelsOf(database: Database.Database): Kysely<ConversationsReadModel> {
  return new Kysely<ConversationsReadModel>({ dialect: new SqliteDialect({ database }) });
}

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ColonyError } from "../domain/errors.js";
import type { AnyProjection } from "../projections/projection.js";
import { allProjections } from "../projections/read-models.js";
import type { ColonyDatabase } from "./colony-database.js";
import { openPostgresColonyDatabase } from "./postgres/open-postgres-colony-database.js";
import { openColonyDatabase } from "./sqlite/open-colony-database.js";
import { describeLocation, parseStoreLocation, type StoreLocation } from "./store-location.js";

export interface OpenColonyStoreOptions {
  /** Verbs that only read pass true: a missing SQLite file is an error, never silently created. */
  readonly mustExist: boolean;
  /** The projections to keep (default all), every one folded inline: callers read their writes at once. */
  readonly projections?: readonly AnyProjection[];
  /** How long a SQLite write waits for another process's write lock (the store's default otherwise). */
  readonly busyTimeoutMs?: number;
}

export class NoLogError extends ColonyError<"no_log"> {
  constructor(readonly path: string) {
    super("no_log", `no log at ${path}`, { path });
  }
}

/**
 * Opens the colony database a `--db` value names (store-location.ts): a SQLite file or a
 * PostgreSQL database, with these projections folded inline, the ways opening can fail turned
 * into one-line errors that never show a password.
 */
export async function openColonyStore(
  db: string | StoreLocation,
  options: OpenColonyStoreOptions,
): Promise<ColonyDatabase> {
  const location = typeof db === "string" ? parseStoreLocation(db) : db;
  const projections = options.projections ?? allProjections;
  const inline = projections.map((p) => p.name);
  return openingLog<ColonyDatabase>(location, options.mustExist, () => {
    if (location.kind === "postgres") {
      return openPostgresColonyDatabase(location.url, { projections, inline, warn: () => {} });
    }
    return openColonyDatabase(resolve(location.file), {
      projections,
      inline,
      warn: () => {},
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    });
  });
}

/**
 * Opens what is at `location` with `open`, after the checks a SQLite file needs, turning the
 * ways opening can fail (a refused connection, a file that is not a log) into one-line errors
 * that never show a password. Every opener of a `--db` goes through it.
 */
export async function openingLog<T>(location: StoreLocation, mustExist: boolean, open: () => Promise<T>): Promise<T> {
  if (location.kind === "sqlite") assertFileUsable(location.file, mustExist);
  try {
    return await open();
  } catch (error) {
    if (error instanceof ColonyError) throw error;
    const shown = describeLocation(location);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ColonyError("cannot_open_log", `cannot open log at ${shown}: ${reason}`, { path: shown, reason });
  }
}

/** A read verb's file must exist; no verb opens a directory. */
export function assertFileUsable(file: string, mustExist: boolean): void {
  if (mustExist && !existsSync(file)) throw new NoLogError(file);
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new ColonyError("cannot_open_log", `cannot open log at ${file}: it is a directory`, { path: file });
  }
}

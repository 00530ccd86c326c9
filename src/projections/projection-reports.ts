import { ColonyError } from "../domain/errors.js";
import type { AnyProjection } from "./projection.js";

/** A row of a store's checkpoint table, as stored. */
export interface StoredCheckpoint {
  readonly name: string;
  readonly version: number;
  readonly position: bigint;
}

export type ProjectionState = "up to date" | "behind" | "needs rebuild" | "never built" | "not in this colonylog";

export interface ProjectionReport {
  readonly name: string;
  /** The version of the code; null for a stored projection this colonylog does not define. */
  readonly version: number | null;
  /** The version its read model was built by; null when it was never built here. */
  readonly storedVersion: number | null;
  readonly checkpoint: bigint;
  /** The events it has yet to fold in: those after its checkpoint up to the head. */
  readonly lag: bigint;
  /** Its stored version differs from the code's: the next start rebuilds it from scratch. */
  readonly needsRebuild: boolean;
  readonly state: ProjectionState;
}

/**
 * Where each projection stands against the log's head, from the checkpoints a store holds.
 * `eventsAfter` counts the events after a checkpoint up to the head; by default head - checkpoint,
 * which is that count only where positions are dense (SQLite's are, PostgreSQL's are not).
 */
export function reportProjections(
  stored: ReadonlyMap<string, StoredCheckpoint>,
  projections: readonly AnyProjection[],
  head: bigint,
  eventsAfter: (checkpoint: bigint) => bigint = (checkpoint) => head - checkpoint,
): ProjectionReport[] {
  const reports: ProjectionReport[] = projections.map((p) => {
    const row = stored.get(p.name);
    const checkpoint = row?.position ?? 0n;
    const needsRebuild = row !== undefined && row.version !== p.version;
    const state: ProjectionState =
      row === undefined ? "never built" : needsRebuild ? "needs rebuild" : checkpoint < head ? "behind" : "up to date";
    return {
      name: p.name,
      version: p.version,
      storedVersion: row?.version ?? null,
      checkpoint,
      lag: eventsAfter(checkpoint),
      needsRebuild,
      state,
    };
  });
  for (const row of stored.values()) {
    if (projections.some((p) => p.name === row.name)) continue;
    reports.push({
      name: row.name,
      version: null,
      storedVersion: row.version,
      checkpoint: row.position,
      lag: eventsAfter(row.position),
      needsRebuild: false,
      state: "not in this colonylog",
    });
  }
  return reports;
}

export class UnknownProjectionError extends ColonyError<"unknown_projection"> {
  constructor(names: readonly string[], known: readonly string[]) {
    super(
      "unknown_projection",
      `unknown projection${names.length > 1 ? "s" : ""} ${names.join(", ")} (known: ${known.join(", ")})`,
      { names, known },
    );
  }
}

/** The projections named (in the order given, without repeats), or all of them when none is. */
export function chooseProjections(all: readonly AnyProjection[], names: readonly string[]): readonly AnyProjection[] {
  if (names.length === 0) return all;
  const unknown = names.filter((name) => !all.some((p) => p.name === name));
  if (unknown.length > 0)
    throw new UnknownProjectionError(
      unknown,
      all.map((p) => p.name),
    );
  return [...new Set(names)].map((name) => all.find((p) => p.name === name) as AnyProjection);
}

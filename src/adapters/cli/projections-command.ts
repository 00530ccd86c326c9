import { type Command, InvalidArgumentError as CommanderInvalidArgument } from "commander";
import { ColonyError } from "../../domain/errors.js";
import type { AnyProjection } from "../../projections/projection.js";
import { chooseProjections, type ProjectionReport, reportProjections } from "../../projections/projection-reports.js";
import type { Progress } from "../../projections/projection-runner.js";
import { allProjections } from "../../projections/read-models.js";
import { openStoredLog } from "../open-log.js";
import { differingTables, type TableHash } from "../read-model-hash.js";
import type { StoredLog } from "../stored-log.js";
import { type CliIo, InterruptedError, say, writeChunk } from "./io.js";
import { dbOption, parsePosition } from "./options.js";
import { progressDisplay } from "./progress-bar.js";

export interface StatusOptions {
  readonly db: string;
  readonly json?: boolean;
}

export interface RebuildOptions {
  readonly db: string;
  readonly to?: bigint;
  readonly verify?: boolean;
  readonly batchSize?: number;
}

export class VerifyMismatchError extends ColonyError<"verify_mismatch"> {
  constructor(
    readonly tables: readonly string[],
    readonly position: bigint,
  ) {
    super(
      "verify_mismatch",
      `verify failed: ${tables.length === 1 ? "table" : "tables"} ${tables.join(", ")} differ${tables.length === 1 ? "s" : ""} from a rebuild at position ${position} (the rebuilt tables have replaced them)`,
      { tables, position: Number(position) },
    );
  }
}

function parseBatchSize(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000) {
    throw new CommanderInvalidArgument("expected a whole number of events from 1 to 1000000");
  }
  return n;
}

export function addProjectionsCommand(program: Command, io: CliIo): void {
  const projections = program
    .command("projections")
    .description("the read models folded from the log: where each stands, and rebuilding them")
    .addHelpText(
      "after",
      `
Known projections: ${allProjections.map((p) => p.name).join(", ")}.

Example:
  colony projections status --db .colony/colony.db
  colony projections rebuild --db .colony/colony.db --verify
`,
    );

  projections
    .command("status")
    .description("each projection's version, checkpoint and lag behind the head; changes nothing")
    .addOption(dbOption())
    .option("--json", "one JSON object instead of a table")
    .addHelpText(
      "after",
      `
lag counts the events after the checkpoint up to the head: those the projection has yet to fold in.
"needs rebuild" means the read model was built by another version of the projection: the next
process that opens the database drops and rebuilds it. status only reads: it never builds,
upgrades or creates anything.

Example:
  colony projections status --db .colony/colony.db --json
`,
    )
    .action(async (options: StatusOptions) => {
      await runStatus(options, io);
    });

  projections
    .command("rebuild")
    .description("drop read models and fold the log into them again, with a progress display")
    .argument("[name...]", "projections to rebuild (default: all)")
    .addOption(dbOption())
    .option("--to <position>", "fold only up to this global position, inclusive (default: the head)", parsePosition)
    .option("--verify", "compare the incremental read models with the rebuilt ones, table by table")
    .option("--batch-size <events>", "events per transaction", parseBatchSize, 1000)
    .addHelpText(
      "after",
      `
Each batch commits with its checkpoint: a rebuild that is stopped (Ctrl-C, a crash) leaves the
projections at the last batch it committed, and the next start continues from there.
Progress goes to stderr: a bar redrawn in place on a terminal, plain lines elsewhere.

--verify, for each named projection already built by this version of its code:
  1. folds the events it has not seen yet, up to the rebuild's position P (--to, else the head
     when the command starts): its incremental read model as of P;
  2. hashes each of its tables (sha256 over the columns and every row, ordered by primary key);
  3. rebuilds from scratch up to P and hashes again;
  4. prints match / MISMATCH per table and exits 1, naming the tables, if any differ.
  A projection already past P cannot be compared at P: that is an error (use a later --to).
  Projections never built here, or built by another version, have nothing to compare; they are
  rebuilt and reported as skipped.

Stop other colony processes that run projections on the same log first: their runner would
fold into the tables while they are rebuilt.

Example:
  colony projections rebuild --db .colony/colony.db workers --to 5000 --verify
`,
    )
    .action(async (names: string[], options: RebuildOptions) => {
      await runRebuild(names, options, io);
    });
}

const num = (n: bigint | number | null) => (n === null ? null : Number(n));

function statusJson(head: bigint, reports: readonly ProjectionReport[]): string {
  return JSON.stringify({
    head: Number(head),
    projections: reports.map((r) => ({
      name: r.name,
      version: r.version,
      storedVersion: r.storedVersion,
      checkpoint: num(r.checkpoint),
      lag: num(r.lag),
      needsRebuild: r.needsRebuild,
      state: r.state,
    })),
  });
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

function describeState(r: ProjectionReport): string {
  if (r.state === "needs rebuild") return `needs rebuild (built by version ${r.storedVersion}, code has ${r.version})`;
  return r.state;
}

/** Where each projection stands against the log's head, its lag counted in events; reads only. */
async function reportsOf(log: StoredLog, projections: readonly AnyProjection[], head: bigint) {
  const stored = await log.checkpoints();
  const lags = new Map<bigint, bigint>();
  for (const checkpoint of [0n, ...[...stored.values()].map((c) => c.position)]) {
    if (!lags.has(checkpoint)) lags.set(checkpoint, BigInt(await log.countEvents(checkpoint, head)));
  }
  return reportProjections(stored, projections, head, (checkpoint) => lags.get(checkpoint) ?? head - checkpoint);
}

export async function runStatus(options: StatusOptions, io: CliIo): Promise<void> {
  const log = await openStoredLog(options.db, { mustExist: true });
  try {
    const head = await log.events.headPosition();
    const reports = await reportsOf(log, allProjections, head);
    if (options.json) {
      await writeChunk(io.stdout, `${statusJson(head, reports)}\n`);
      return;
    }
    const rows = [
      ["projection", "version", "built by", "checkpoint", "lag", "state"],
      ...reports.map((r) => [
        r.name,
        r.version === null ? "-" : String(r.version),
        r.storedVersion === null ? "-" : String(r.storedVersion),
        String(r.checkpoint),
        String(r.lag),
        describeState(r),
      ]),
    ];
    const lines = [`head position ${head}`, ...table(rows, new Set([1, 2, 3, 4]))];
    await writeChunk(io.stdout, `${lines.join("\n")}\n`);
  } finally {
    await log.close();
  }
}

/**
 * Turns runner progress into the display, and stops the fold when the user interrupts. Counted
 * in events: positions are not dense on every engine (PostgreSQL's follow transactions).
 */
async function progressFor(
  io: CliIo,
  label: string,
  events: { readonly log: StoredLog; readonly after: bigint; readonly through: bigint },
  what: string,
): Promise<{
  onProgress: (progress: Progress) => void;
  finish: () => { events: number; seconds: number };
}> {
  const total = await events.log.countEvents(events.after, events.through);
  const display = progressDisplay(io.stderr, { label });
  return {
    onProgress: (progress) => {
      display.update({ events: progress.events, done: progress.events, total });
      if (io.signal?.aborted) {
        display.finish();
        throw new InterruptedError(
          `${what} stopped at position ${progress.position}; the projections continue from there on the next start (run rebuild again to start over)`,
        );
      }
    },
    finish: () => display.finish(),
  };
}

const names = (projections: readonly AnyProjection[]) => projections.map((p) => p.name).join(", ");
/** For progress labels, which must stay short enough for a bar. */
const few = (projections: readonly AnyProjection[]) =>
  projections.length <= 2 ? names(projections) : `${projections.length} projections`;
const shortHash = (h: TableHash) => (h.exists ? h.sha256.slice(0, 16) : "(no table)");

export async function runRebuild(requested: readonly string[], options: RebuildOptions, io: CliIo): Promise<void> {
  const chosen = chooseProjections(allProjections, requested);
  const log = await openStoredLog(options.db, { mustExist: true });
  try {
    const head = await log.events.headPosition();
    const target = options.to !== undefined && options.to < head ? options.to : head;
    if (options.to !== undefined && options.to > head) {
      say(io.stderr, `--to ${options.to} is past the head (${head}): rebuilding up to ${head}`);
    }
    const runner = { batchSize: options.batchSize ?? 1000, warn: (message: string) => say(io.stderr, message) };

    let before: TableHash[] | undefined;
    let compared: readonly AnyProjection[] = [];
    if (options.verify) {
      const reports = await reportsOf(log, chosen, head);
      const comparable = reports.filter((r) => r.storedVersion !== null && !r.needsRebuild);
      const ahead = comparable.filter((r) => r.checkpoint > target);
      if (ahead.length > 0) {
        throw new ColonyError(
          "cannot_verify",
          `cannot verify at position ${target}: ${ahead.map((r) => `${r.name} is already at ${r.checkpoint}`).join(", ")} (verify at the head, or at a --to at or after it)`,
          { position: Number(target) },
        );
      }
      for (const r of reports.filter((r) => !comparable.includes(r))) {
        say(
          io.stderr,
          `verify: skipping ${r.name}: ${r.storedVersion === null ? "never built here" : `built by version ${r.storedVersion}, code has ${r.version}`}; nothing to compare`,
        );
      }
      compared = chosen.filter((p) => comparable.some((r) => r.name === p.name));
      if (compared.length > 0) {
        const start = comparable.reduce((min, r) => (r.checkpoint < min ? r.checkpoint : min), target);
        if (start < target) {
          const range = { log, after: start, through: target };
          const progress = await progressFor(io, `catch up ${few(compared)}`, range, "catch-up before verify");
          await log.catchUp(compared, { ...runner, to: target, onProgress: progress.onProgress });
          progress.finish();
        }
        before = await log.hashTables(compared);
      }
    }

    const progress = await progressFor(io, `rebuild ${few(chosen)}`, { log, after: 0n, through: target }, "rebuild");
    const reached = await log.rebuild(chosen, {
      ...runner,
      to: target,
      onProgress: progress.onProgress,
    });
    const { events, seconds } = progress.finish();
    const rate = seconds > 0 ? Math.round(events / seconds) : 0;
    const lines = [
      `rebuilt ${names(chosen)} up to position ${reached}: ${events} events in ${seconds.toFixed(2)}s (${rate} events/s)`,
    ];

    let mismatched: string[] = [];
    if (before) {
      const after = await log.hashTables(compared);
      mismatched = differingTables(before, after);
      lines.push(`verify at position ${reached}: incremental read model vs rebuild`);
      const rows = after.map((a) => {
        const b = before?.find((h) => h.table === a.table);
        const same = b?.sha256 === a.sha256;
        return [
          a.projection,
          a.table,
          same ? "match" : "MISMATCH",
          `${a.rows} ${a.rows === 1 ? "row" : "rows"}`,
          same ? shortHash(a) : `${b ? shortHash(b) : "?"} -> ${shortHash(a)}`,
        ];
      });
      lines.push(...table(rows, new Set([3])).map((line) => `  ${line}`));
    }
    await writeChunk(io.stdout, `${lines.join("\n")}\n`);
    if (mismatched.length > 0) throw new VerifyMismatchError(mismatched, reached);
  } finally {
    await log.close();
  }
}

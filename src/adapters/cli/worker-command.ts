import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, InvalidArgumentError as CommanderInvalidArgument } from "commander";
import { ColonyName } from "../../domain/events/fields.js";
import type { TaskOutcome } from "../../runtime/worker-pool/run-claimed-task.js";
import {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RECLAIM_INTERVAL_MS,
  DEFAULT_STALE_AFTER_MS,
  type PoolSummary,
  WorkerPool,
} from "../../runtime/worker-pool/worker-pool.js";
import { systemTimers } from "../system/system-timers.js";
import { type CliIo, say } from "./io.js";
import { loadTaskHandler } from "./load-handler.js";
import { colonyIdOf, openLedger } from "./open-ledger.js";
import { dbOption, wholeNumber } from "./options.js";

export interface WorkerOptions {
  readonly db: string;
  readonly colony: string;
  readonly concurrency: number;
  readonly handler?: string;
  readonly untilEmpty?: boolean;
  readonly staleAfter: number;
  readonly reclaimInterval: number;
  readonly pollInterval: number;
}

/** src/adapters/cli and dist/adapters/cli both sit three folders below the repository root. */
export const BUNDLED_HANDLER = fileURLToPath(new URL("../../../examples/word-count-handler.mjs", import.meta.url));

/** setInterval and setTimeout take at most this many milliseconds. */
const MAX_MS = 2 ** 31 - 1;
const MAX_CONCURRENCY = 256;
/** Pools on one file queue for its write lock; a busy moment must not fail a pool's command. */
const BUSY_TIMEOUT_MS = 30_000;

function parseColonyName(value: string): string {
  if (!ColonyName.safeParse(value).success) {
    throw new CommanderInvalidArgument("expected a colony name: lowercase letters, digits and _");
  }
  return value;
}

export function addWorkerCommand(program: Command, io: CliIo): void {
  program
    .command("worker")
    .description("run a worker pool: N slots claim the colony's tasks and run a handler module on each")
    .requiredOption(
      "--colony <name>",
      "the colony whose queue to work (lowercase letters, digits and _)",
      parseColonyName,
    )
    .addOption(dbOption())
    .option("--concurrency <n>", "tasks run at once", wholeNumber(1, MAX_CONCURRENCY, "slots"), 1)
    .option("--handler <module>", "an ES module whose default export runs one task (default: the bundled example)")
    .option("--until-empty", "exit once every task of the colony is done or failed, instead of waiting for more")
    .option(
      "--stale-after <ms>",
      "a claim this old is returned to the queue (keep it above the longest task)",
      wholeNumber(1, MAX_MS, "milliseconds"),
      DEFAULT_STALE_AFTER_MS,
    )
    .option(
      "--reclaim-interval <ms>",
      "how often stale claims are looked for",
      wholeNumber(1, MAX_MS, "milliseconds"),
      DEFAULT_RECLAIM_INTERVAL_MS,
    )
    .option(
      "--poll-interval <ms>",
      "how often an idle slot looks for work again",
      wholeNumber(1, MAX_MS, "milliseconds"),
      DEFAULT_POLL_INTERVAL_MS,
    )
    .addHelpText(
      "after",
      `
The handler module's default export is called once per claimed task as handler(task, tools):
  task    { taskId, goal, payload (the seeded JSON), steps [{seq, title, detail, status}],
            sopItems [{key, description, required, checked}], retryCount, ... }
  tools   { startStep(seq), completeStep(seq, evidence), checkSop(key, note?), signal }
It returns { status: "success" | "failed", summary, data? }: success completes the task with
{summary, data} as its result, failed (or a throw, or any other value) fails it with the reason.
Steps marked done were completed by an earlier holder: skip them. The bundled handler
(examples/word-count-handler.mjs) counts the words of payload.text.

Each slot is worker pool<pid>_<n>. One line per finished task, then a summary, on stdout.
SIGTERM or Ctrl-C: no new claims; running handlers finish their current step (starting another
is refused), unfinished tasks are released with their completed steps kept; exit 0. A second
signal ends the process at once. A pool killed outright loses nothing: its claims go back to the
queue once --stale-after old, reclaimed by any pool on the colony, this one restarted included.

Example:
  colony tasks seed --db .colony/colony.db --colony word_counts examples/tasks.json
  colony worker --db .colony/colony.db --colony word_counts --concurrency 4 --until-empty
  colony tasks list --db .colony/colony.db --colony word_counts
`,
    )
    .action(async (options: WorkerOptions) => {
      await runWorker(options, io);
    });
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}

function outcomeLine(outcome: TaskOutcome): string {
  const what = outcome.kind === "done" ? outcome.summary : outcome.kind === "failed" ? outcome.error : outcome.reason;
  return `${outcome.kind.padEnd(8)} ${outcome.taskId} by ${outcome.workerId}: ${oneLine(what)}`;
}

function summaryLine(prefix: string, summary: PoolSummary): string {
  const ended = summary.ended === "empty" ? "finished, queue empty" : "stopped";
  const reclaimed =
    summary.reclaimed + summary.reclaimFailed > 0
      ? `; stale claims: ${summary.reclaimed} returned, ${summary.reclaimFailed} failed past max retries`
      : "";
  return `pool ${prefix} ${ended}: ${summary.done} done, ${summary.failed} failed, ${summary.released} released, ${summary.lost} lost${reclaimed}`;
}

export async function runWorker(options: WorkerOptions, io: CliIo): Promise<void> {
  // The handler first: a bad module is reported before the log is even opened.
  const handlerPath = options.handler ?? BUNDLED_HANDLER;
  const handler = await loadTaskHandler(handlerPath);
  const { db, ledger } = await openLedger(options.db, { mustExist: true, busyTimeoutMs: BUSY_TIMEOUT_MS });
  try {
    const colonyId = await colonyIdOf(ledger, options.colony, options.db);
    const prefix = `pool${process.pid}`;
    const pool = new WorkerPool({
      ledger,
      events: db.events,
      colonyId,
      handler,
      timers: systemTimers,
      concurrency: options.concurrency,
      workerIdPrefix: prefix,
      untilEmpty: options.untilEmpty === true,
      staleAfterMs: options.staleAfter,
      reclaimIntervalMs: options.reclaimInterval,
      pollIntervalMs: options.pollInterval,
      onOutcome: (outcome) => say(io.stdout, outcomeLine(outcome)),
      onReclaimed: ({ released, failed }) => {
        const parts = [
          released.length > 0 ? `returned ${released.join(", ")}` : "",
          failed.length > 0 ? `failed ${failed.join(", ")} (past max retries)` : "",
        ].filter((p) => p !== "");
        say(io.stdout, `stale claims: ${parts.join("; ")}`);
      },
      onReclaimError: (error) =>
        say(io.stderr, `warning: reclaiming stale claims: ${error instanceof Error ? error.message : String(error)}`),
      onWaiting: (n) =>
        say(
          io.stdout,
          `waiting for ${n} task${n === 1 ? "" : "s"} claimed by other workers (finished by them, or returned once ${options.staleAfter} ms old)`,
        ),
    });
    const stop = () => pool.stop();
    if (io.signal?.aborted) stop();
    io.signal?.addEventListener("abort", stop, { once: true });
    try {
      const shown = options.handler === undefined ? `bundled ${relative(process.cwd(), BUNDLED_HANDLER)}` : handlerPath;
      say(
        io.stdout,
        `pool ${prefix}: ${options.concurrency} slot${options.concurrency === 1 ? "" : "s"} on colony ${options.colony} (handler ${shown})`,
      );
      say(io.stdout, summaryLine(prefix, await pool.run()));
    } finally {
      io.signal?.removeEventListener("abort", stop);
    }
  } finally {
    await db.close();
  }
}

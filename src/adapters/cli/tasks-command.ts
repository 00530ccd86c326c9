import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError as CommanderInvalidArgument } from "commander";
import { InvalidTaskSeedError } from "../../domain/deciders/task-seed.js";
import { ColonyError } from "../../domain/errors.js";
import { ColonyName } from "../../domain/events/fields.js";
import type { LedgerTaskView } from "../../runtime/ledger/ledger-reads.js";
import { inSnakeCase, tasksFromSnakeCase } from "../../runtime/ledger/snake-case-tasks.js";
import { type CliIo, LineOutput, writeChunk } from "./io.js";
import { colonyIdOf, openLedger } from "./open-ledger.js";
import { dbOption } from "./options.js";

export interface SeedOptions {
  readonly db: string;
  readonly colony: string;
  readonly json?: boolean;
}

export interface ListOptions {
  readonly db: string;
  readonly colony: string;
  readonly json?: boolean;
}

/** Problems listed in one error before "and N more". */
const SHOWN_ISSUES = 5;

function parseColonyName(value: string): string {
  const parsed = ColonyName.safeParse(value);
  if (!parsed.success) throw new CommanderInvalidArgument("expected a colony name: lowercase letters, digits and _");
  return value;
}

export function addTasksCommand(program: Command, io: CliIo): void {
  const tasks = program
    .command("tasks")
    .description("a colony's task ledger: seed tasks from a JSON file, list them with their progress")
    .addHelpText(
      "after",
      `
Example:
  colony tasks seed --db .colony/colony.db --colony docs_team tasks.json
  colony tasks list --db .colony/colony.db --colony docs_team
`,
    );

  tasks
    .command("seed")
    .description("add the tasks of a JSON file to a colony (created if needed), all in one append")
    .argument("<tasks.json>", "a JSON array of tasks")
    .requiredOption("--colony <name>", "the colony (lowercase letters, digits and _)", parseColonyName)
    .addOption(dbOption())
    .option("--json", "print {colonyId, created, taskIds} as one JSON object")
    .addHelpText(
      "after",
      `
Each task is an object with the original ledger's fields:
  goal          text, required
  priority      integer, default 0 (higher is claimed first)
  payload       any JSON (a string is stored as it is)
  steps         [{"title": "...", "detail"?: "...", "seq"?: n}], numbered from 1
  sop_items     [{"key": "...", "description": "...", "required"?: true, "note"?: "..."}]
  max_retries   integer, default 3 (stale claims past it fail the task)
  id, seq, parent_task_id   optional, as in the original

The whole file goes in one atomic append: if any task is invalid, nothing is written and the
error names the task and the field, e.g. task[3].sop_items[0].key.

Example:
  echo '[{"goal": "Write the README", "priority": 2, "steps": [{"title": "Draft"}],
         "sop_items": [{"key": "links", "description": "links resolve"}]}]' > tasks.json
  colony tasks seed --db .colony/colony.db --colony docs_team tasks.json
`,
    )
    .action(async (file: string, options: SeedOptions) => {
      await runSeed(file, options, io);
    });

  tasks
    .command("list")
    .description("the colony's tasks in claim order: status, worker, retries, steps and SOP checklist")
    .requiredOption("--colony <name>", "the colony", parseColonyName)
    .addOption(dbOption())
    .option("--json", "one JSON object: the colony and every task with its steps and SOP items")
    .addHelpText(
      "after",
      `
Claim order is priority (highest first), then seq, then creation time. STEPS and SOP count what
is done; SOP names the required items still open. --json adds each step's evidence and each
item's note.

Example:
  colony tasks list --db .colony/colony.db --colony docs_team --json
`,
    )
    .action(async (options: ListOptions) => {
      await runList(options, io);
    });
}

export class InvalidTaskFileError extends ColonyError<"invalid_task_file"> {
  constructor(file: string, reason: string) {
    super("invalid_task_file", `${file}: ${reason}`, { file, reason });
  }
}

/** Every problem (up to a few) with the user's field names, as one error naming the file. */
function fileError(file: string, error: InvalidTaskSeedError): ColonyError<"invalid_task_seed"> {
  const shown = error.issues.slice(0, SHOWN_ISSUES).map((i) => `${i.path}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return new ColonyError(
    "invalid_task_seed",
    `${file}: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""} (nothing was written)`,
    { file, issues: error.issues },
  );
}

/** `work`, whose refusals are in the user's terms already, reported against the file. */
function inFileTermsSync<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof InvalidTaskSeedError ? fileError(file, error) : error;
  }
}

/** `work` on the mapped tasks, with a seed refusal translated to the user's terms and the file. */
async function inFileTerms<T>(file: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await inSnakeCase(async () => work());
  } catch (error) {
    throw error instanceof InvalidTaskSeedError ? fileError(file, error) : error;
  }
}

export async function runSeed(file: string, options: SeedOptions, io: CliIo): Promise<void> {
  // Checked whole before the database is opened: an invalid file does not even create it.
  const tasks = inFileTermsSync(file, () => tasksFromSnakeCase(readJson(file)));
  const { db, ledger } = await openLedger(options.db, { mustExist: false });
  try {
    const result = await inFileTerms(file, () => ledger.seedNamedColony(options.colony, tasks, { source: "cli" }));
    const text = options.json
      ? JSON.stringify({ colonyId: result.colonyId, created: result.created, taskIds: result.taskIds })
      : `${result.created ? "created colony" : "colony"} ${options.colony}: seeded ${result.taskIds.length} task${result.taskIds.length === 1 ? "" : "s"}`;
    await writeChunk(io.stdout, `${text}\n`);
  } finally {
    await db.close();
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InvalidTaskFileError(
      file,
      code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(error)})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidTaskFileError(file, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function runList(options: ListOptions, io: CliIo): Promise<void> {
  const { db, ledger } = await openLedger(options.db, { mustExist: true });
  try {
    const colonyId = await colonyIdOf(ledger, options.colony, options.db);
    const tasks = await ledger.tasks(colonyId);
    if (options.json) {
      await writeChunk(io.stdout, `${JSON.stringify({ colony: { id: colonyId, name: options.colony }, tasks })}\n`);
      return;
    }
    const out = new LineOutput(io.stdout);
    await out.line(`colony ${options.colony}: ${summary(tasks)}`);
    if (tasks.length > 0) for (const line of table(tasks, io.columns)) await out.line(line);
    await out.flush();
  } finally {
    await db.close();
  }
}

const STATUSES = ["pending", "claimed", "in_progress", "done", "failed"] as const;

function summary(tasks: readonly LedgerTaskView[]): string {
  const counts = STATUSES.map((s) => [s, tasks.filter((t) => t.status === s).length] as const).filter(([, n]) => n > 0);
  const total = `${tasks.length} task${tasks.length === 1 ? "" : "s"}`;
  return counts.length === 0 ? total : `${total} (${counts.map(([s, n]) => `${n} ${s}`).join(", ")})`;
}

function sopCell(task: LedgerTaskView): string {
  if (task.sopItems.length === 0) return "-";
  const done = task.sopItems.filter((i) => i.doneAt !== null).length;
  const open = task.sopItems.filter((i) => i.required && i.doneAt === null).map((i) => i.key);
  return `${done}/${task.sopItems.length}${open.length > 0 ? ` open: ${open.join(",")}` : ""}`;
}

function stepsCell(task: LedgerTaskView): string {
  if (task.steps.length === 0) return "-";
  const done = task.steps.filter((s) => s.status === "done").length;
  const started = task.steps.filter((s) => s.status === "in_progress").length;
  return `${done}/${task.steps.length}${started > 0 ? ` (${started} started)` : ""}`;
}

/** Aligned columns; the goal comes last and is cut to the terminal's width when there is one. */
function table(tasks: readonly LedgerTaskView[], columns: number | undefined): string[] {
  const rows = [
    ["ID", "STATUS", "PRI", "SEQ", "WORKER", "RETRIES", "STEPS", "SOP", "GOAL"],
    ...tasks.map((t) => [
      t.id,
      t.status,
      String(t.priority),
      t.seq === null ? "-" : String(t.seq),
      t.workerId ?? "-",
      `${t.retryCount}/${t.maxRetries}`,
      stepsCell(t),
      sopCell(t),
      t.lastError === null ? t.goal : `${t.goal} [error: ${t.lastError}]`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const numeric = new Set([2, 3]);
  return rows.map((row) => {
    const line = row
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()
      .replace(/[\r\n\t]/g, " ");
    return columns !== undefined && line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line;
  });
}

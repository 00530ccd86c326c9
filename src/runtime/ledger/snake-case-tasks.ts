import { InvalidTaskSeedError, planTaskSeed } from "../../domain/deciders/task-seed.js";
import type { FieldIssue } from "../../domain/errors.js";

/**
 * Task lists as people and agents write them: the original ledger's snake_case fields (a seed
 * file, a tool call). The deciders speak camelCase; this maps one to the other on the way in and
 * maps field names in refusals back, so an error names the field as the user wrote it:
 * `task[3].sop_items[0].key: ...`. Step and SOP item fields are one word in both spellings.
 */
const FIELDS: Readonly<Record<string, string>> = {
  id: "id",
  goal: "goal",
  seq: "seq",
  priority: "priority",
  payload: "payload",
  steps: "steps",
  sop_items: "sopItems",
  max_retries: "maxRetries",
  parent_task_id: "parentTaskId",
};
const SNAKE: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(FIELDS).map(([s, c]) => [c, s]));
const KNOWN = Object.keys(FIELDS).join(", ");

/**
 * The camelCase tasks for planTaskSeed / planColonyCreation, checked: every problem of the batch
 * is refused at once, in the user's terms, whether a field the original does not know (a typo,
 * or the camelCase spelling) or a value the decider's schema refuses.
 */
export function tasksFromSnakeCase(input: unknown): unknown[] {
  if (!Array.isArray(input)) {
    throw new InvalidTaskSeedError(null, "tasks", [{ path: "tasks", message: "expected a JSON array of tasks" }]);
  }
  const unknown: { index: number; issue: FieldIssue }[] = [];
  const tasks = input.map((task, index) => {
    if (typeof task !== "object" || task === null || Array.isArray(task)) return task;
    const mapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(task)) {
      const camel = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
      if (camel !== undefined) {
        mapped[camel] = value;
        continue;
      }
      const hint = Object.hasOwn(SNAKE, key) ? ` (write ${SNAKE[key]})` : "";
      unknown.push({ index, issue: { path: key, message: `unknown field${hint}; expected one of ${KNOWN}` } });
    }
    return mapped;
  });
  // The decider's own check, ids made up: the real plan is made where the batch is appended.
  let refused: InvalidTaskSeedError | undefined;
  try {
    planTaskSeed("check", tasks, { newTaskId: () => "check" });
  } catch (error) {
    if (!(error instanceof InvalidTaskSeedError)) throw error;
    refused = inUserTerms(error);
  }
  if (unknown.length === 0) {
    if (refused) throw refused;
    return tasks;
  }
  const issues = [
    ...unknown.map(({ index, issue }) => ({ index, issue: { ...issue, path: `task[${index}].${issue.path}` } })),
    ...(refused?.issues ?? []).map((issue) => ({ index: taskIndexOf(issue.path), issue })),
  ].sort((a, b) => a.index - b.index);
  const first = unknown[0] as { index: number; issue: FieldIssue };
  const firstRefused = refused?.taskIndex ?? Number.POSITIVE_INFINITY;
  const [index, field] =
    first.index <= firstRefused ? [first.index, first.issue.path] : [refused?.taskIndex ?? null, refused?.field ?? ""];
  throw new InvalidTaskSeedError(
    index,
    field,
    issues.map(({ issue }) => issue),
  );
}

function taskIndexOf(path: string): number {
  const match = /^task\[([0-9]+)\]/.exec(path);
  return match ? Number(match[1]) : -1;
}

/** Runs a seed of mapped tasks, turning a refusal's camelCase field names back into the user's. */
export async function inSnakeCase<T>(seed: () => Promise<T>): Promise<T> {
  try {
    return await seed();
  } catch (error) {
    throw error instanceof InvalidTaskSeedError ? inUserTerms(error) : error;
  }
}

/** The same refusal, its field names as the user wrote them. */
export function inUserTerms(error: InvalidTaskSeedError): InvalidTaskSeedError {
  return new InvalidTaskSeedError(
    error.taskIndex,
    snakeField(error.field),
    error.issues.map((issue) => ({ path: snakePath(issue.path), message: issue.message })),
  );
}

/** `sopItems.0.key` -> `sop_items[0].key`. */
export function snakeField(field: string): string {
  if (field === "") return field;
  const [head = "", ...rest] = field.split(".");
  return [SNAKE[head] ?? head, ...rest].reduce((path, part) =>
    /^[0-9]+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`,
  );
}

/** `task[3].sopItems.0.key` -> `task[3].sop_items[0].key`; paths outside a task are kept. */
export function snakePath(path: string): string {
  const match = /^(task\[[0-9]+\])(?:\.(.*))?$/.exec(path);
  if (!match) return path;
  const [, task, field] = match;
  return field ? `${task}.${snakeField(field)}` : (task as string);
}

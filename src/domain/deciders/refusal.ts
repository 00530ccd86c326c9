import type { z } from "zod";
import { ColonyError, type FieldIssue } from "../errors.js";
import { issuesOf } from "../events/zod-issues.js";

/**
 * A command the rules refuse: nothing is appended. `code` is stable for callers to branch on;
 * `details` holds the facts (who holds the claim, which SOP items are open, ...).
 */
export class CommandRefusedError<Code extends string = string> extends ColonyError<Code> {}

export function refuse<Code extends string>(
  code: Code,
  message: string,
  details: Record<string, unknown> = {},
): CommandRefusedError<Code> {
  return new CommandRefusedError(code, message, details);
}

/** A status change the aggregate's life cycle does not allow from where it is. */
export function illegalTransition(
  aggregate: string,
  id: string,
  from: string,
  command: string,
): CommandRefusedError<"illegal_transition"> {
  return refuse("illegal_transition", `${aggregate} ${id} is ${from}: ${command} is not allowed`, {
    aggregate,
    id,
    from,
    command,
  });
}

/** A command from outside that does not fit its schema; the issues name the fields. */
export class InvalidCommandError extends ColonyError<"invalid_command"> {
  constructor(
    readonly commandType: string,
    readonly issues: readonly FieldIssue[],
  ) {
    const what = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super("invalid_command", `${commandType}: ${what}`, { commandType, issues });
  }
}

/** Parses a command that came from outside (HTTP, CLI, tool call) with its aggregate's schema. */
export function parseCommand<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const type =
    typeof input === "object" && input !== null && typeof (input as { type?: unknown }).type === "string"
      ? (input as { type: string }).type
      : "command";
  throw new InvalidCommandError(type, issuesOf(parsed.error));
}

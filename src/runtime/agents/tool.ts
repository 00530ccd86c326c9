import { z } from "zod";
import type { LlmToolSpec } from "../../domain/ports/llm-provider.js";

/** What a tool call runs with: who calls, in which conversation, and the run's abort signal. */
export interface ToolContext {
  readonly agentId: string;
  readonly conversationId: string;
  /**
   * The conversation's version before this turn's assistant part: the last version at which
   * every tool call has its result, so a fork taken from inside a tool (spawning workers) is
   * taken there and never inherits a call without its answer.
   */
  readonly versionBeforeTurn: number;
  readonly signal: AbortSignal;
}

/**
 * How a call ends the agent's run: `report` (report_to_parent) and `escalate` hand the result
 * to whoever started the agent; any other tool's result goes back to the model.
 */
export type ToolEffect =
  | { readonly kind: "continue" }
  | {
      readonly kind: "report";
      readonly status: "success" | "partial" | "failed";
      readonly summary: string;
      readonly data: unknown;
    }
  | { readonly kind: "escalate"; readonly reason: string };

export interface ToolResult {
  /** What the model reads back as the tool part's content. */
  readonly content: string;
  readonly effect?: ToolEffect;
}

/** A tool with a zod input schema (DESIGN §7, ToolRegistry): arguments are validated before it runs. */
export interface Tool<Input = unknown> {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<Input>;
  /** The queen's own tools (spawning, seeding a colony): a worker forked from her does not get them. */
  readonly queenOnly?: boolean;
  /** Safe to run again in a recorded replay: no side effect, same result (the tools that end a run). */
  readonly replayable?: boolean;
  run(input: Input, context: ToolContext): Promise<ToolResult>;
}

export function defineTool<Input>(tool: Tool<Input>): Tool {
  return tool as unknown as Tool;
}

/** A result that is JSON for the model to read. */
export function jsonResult(value: unknown, effect?: ToolEffect): ToolResult {
  return effect ? { content: JSON.stringify(value), effect } : { content: JSON.stringify(value) };
}

/** The tools an agent is given, by name, with their schemas as the model sees them. */
export class ToolRegistry {
  private readonly byName = new Map<string, Tool>();
  private cachedSpecs: LlmToolSpec[] | undefined;

  constructor(tools: readonly Tool[]) {
    for (const tool of tools) {
      if (this.byName.has(tool.name)) throw new Error(`two tools are named ${tool.name}`);
      this.byName.set(tool.name, tool);
    }
  }

  get(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** The registry a worker forked from this agent inherits: the queen-only tools left out. */
  inheritable(): ToolRegistry {
    return new ToolRegistry([...this.byName.values()].filter((tool) => !tool.queenOnly));
  }

  /** These tools and others (an inherited registry plus a worker's own, say). */
  with(tools: readonly Tool[]): ToolRegistry {
    return new ToolRegistry([...this.byName.values(), ...tools]);
  }

  /** Computed once: the agent loop offers them on every model call. */
  specs(): LlmToolSpec[] {
    this.cachedSpecs ??= [...this.byName.values()].map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: parametersOf(tool.input),
    }));
    return this.cachedSpecs;
  }
}

/**
 * A tool's JSON schema, converted once per input schema: every worker builds a registry of its
 * own, and converting the same zod schemas for each was a tenth of a trigger firing's time.
 */
const parameterSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function parametersOf(input: z.ZodType): Record<string, unknown> {
  let schema = parameterSchemas.get(input);
  if (!schema) {
    schema = z.toJSONSchema(input, { io: "input" }) as Record<string, unknown>;
    parameterSchemas.set(input, schema);
  }
  return schema;
}

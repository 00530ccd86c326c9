import type { Command } from "commander";
import { ColonyError } from "../../domain/errors.js";
import { type LiveContext, type LivePart, liveContext } from "../../projections/conversations/live-context.js";
import { allProjections } from "../../projections/read-models.js";
import { openStoredLog } from "../open-log.js";
import { addEntityInspectors } from "./inspect/entity-commands.js";
import { openReadPoint, whereText } from "./inspect/read-point.js";
import { cut, DEFAULT_WIDTH, oneLine } from "./inspect/text.js";
import { type CliIo, writeChunk } from "./io.js";
import { dbOption, parsePosition } from "./options.js";

export interface InspectConversationOptions {
  readonly db: string;
  readonly at?: bigint;
  readonly json?: boolean;
}

const CONVERSATIONS = "conversations";

export class NoConversationError extends ColonyError<"no_conversation"> {
  constructor(conversationId: string, at?: bigint) {
    super("no_conversation", `no conversation ${conversationId}${at === undefined ? "" : ` at position ${at}`}`, {
      conversationId,
      ...(at === undefined ? {} : { at: Number(at) }),
    });
  }
}

export function addInspectCommand(program: Command, io: CliIo): void {
  const inspect = program
    .command("inspect")
    .description("look inside the read models: a colony, session, worker, task or conversation, now or at any position")
    .addHelpText(
      "after",
      `
Each prints a summary and the events of its stream; --at POSITION shows it as it was then, --json
prints one JSON object. An unknown id exits 1.

Example:
  colony inspect conversation k1 --db .colony/colony.db --at 120
  colony inspect colony texts --db .colony/demo.db
`,
    );

  inspect
    .command("conversation")
    .description("the live context of a conversation: fork ancestry, compaction and the parts the model sees")
    .argument("<id>", "the conversation id (the stream is conversation-<id>)")
    .addOption(dbOption())
    .option("--at <position>", "as it was at this global position (folds the log up to it, in memory)", parsePosition)
    .option("--json", "the LiveContext object as JSON (one line)")
    .addHelpText(
      "after",
      `
The parts are listed in seq order with where each lives: its own stream (v = version there),
inherited from an ancestor through a fork (never copied), or the compaction summary that stands
for every part up to its throughSeq. Content is shown on one line, cut to the terminal's width.

Without --at, the conversations read model stored beside the log is read when it is up to date;
otherwise the log is folded in memory (the log is never written: run
\`colony projections rebuild conversations\` to bring it up to date).

Example:
  colony inspect conversation k2 --db .colony/demo.db --at 10
`,
    )
    .action(async (id: string, options: InspectConversationOptions) => {
      await runInspectConversation(id, options, io);
    });

  addEntityInspectors(inspect, io);
}

function source(part: LivePart): string {
  if (part.summary)
    return part.inherited ? `summary ${part.conversationId} v${part.version}` : `summary v${part.version}`;
  return part.inherited ? `inherited ${part.conversationId} v${part.version}` : `v${part.version}`;
}

function content(part: LivePart): string {
  const calls = part.toolCalls?.length ? `[calls ${part.toolCalls.map((c) => c.name).join(", ")}]` : "";
  const answers = part.toolCallId ? `[answers ${part.toolCallId}]` : "";
  return oneLine([answers, part.content, calls].filter((text) => text.length > 0).join(" "));
}

/** The live context for people: ancestry, compaction, and one line per part. */
export function formatLiveContext(context: LiveContext, where: string, width: number): string[] {
  const lines = [
    `conversation ${context.conversationId} ${where}`,
    cut(`system prompt: ${context.systemPrompt === null ? "(none)" : oneLine(context.systemPrompt)}`, width),
    "ancestry (root first):",
    ...context.ancestry.map(
      (a) =>
        `  depth ${a.depth}  ${a.conversationId}  ${a.upToVersion === null ? "(this conversation)" : `up to version ${a.upToVersion}`}`,
    ),
  ];
  const k = context.compaction;
  lines.push(
    k === null
      ? "compaction: none"
      : `compaction: ${k.conversationId} version ${k.version}, through seq ${k.throughSeq} (${k.method}); its summary is the first part`,
  );
  lines.push(`parts (${context.parts.length}):`);
  if (context.parts.length === 0) return lines;
  const rows = context.parts.map((p) => [String(p.seq), p.role, source(p)]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(["SEQ", "ROLE", "FROM"][i]?.length ?? 0, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const prefix = (cells: readonly string[]) =>
    `  ${(cells[0] ?? "").padStart(widths[0] ?? 0)}  ${(cells[1] ?? "").padEnd(widths[1] ?? 0)}  ${(cells[2] ?? "").padEnd(widths[2] ?? 0)}  `;
  const room = Math.max(20, width - prefix(["", "", ""]).length);
  lines.push(`${prefix(["SEQ", "ROLE", "FROM"])}CONTENT`);
  context.parts.forEach((part, i) => {
    lines.push(`${prefix(rows[i] ?? [])}${cut(content(part), room)}`);
  });
  return lines;
}

export async function runInspectConversation(
  conversationId: string,
  options: InspectConversationOptions,
  io: CliIo,
): Promise<void> {
  if (!allProjections.some((p) => p.name === CONVERSATIONS)) {
    throw new ColonyError("no_projection", "this colonylog has no conversations projection");
  }
  const log = await openStoredLog(options.db, { mustExist: true });
  try {
    const source = await openReadPoint(
      log,
      allProjections.filter((p) => p.name === CONVERSATIONS),
      options.at,
      io,
    );
    try {
      const context = await liveContext(source.readModels, conversationId);
      if (!context) throw new NoConversationError(conversationId, options.at);
      if (options.json) {
        await writeChunk(
          io.stdout,
          `${JSON.stringify(context, (_key, value) => (typeof value === "bigint" ? Number(value) : value))}\n`,
        );
        return;
      }
      const lines = formatLiveContext(context, whereText(options.at, source.head), io.columns ?? DEFAULT_WIDTH);
      await writeChunk(io.stdout, `${lines.join("\n")}\n`);
    } finally {
      await source.close();
    }
  } finally {
    await log.close();
  }
}

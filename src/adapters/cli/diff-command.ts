import type { Command } from "commander";
import {
  type ConversationHistory,
  conversationHistory,
  type HistoryPart,
} from "../../projections/conversations/live-context.js";
import { allProjections } from "../../projections/read-models.js";
import { UnknownConversationError } from "../../runtime/conversations/conversation-log.js";
import { openStoredLog } from "../open-log.js";
import { type ConversationDiff, diffConversations } from "./inspect/conversation-diff.js";
import { openReadPoint } from "./inspect/read-point.js";
import { cut, DEFAULT_WIDTH, fields, oneLine, plural } from "./inspect/text.js";
import { type CliIo, writeChunk } from "./io.js";
import { dbOption } from "./options.js";

export interface DiffOptions {
  readonly db: string;
  readonly json?: boolean;
}

/** A difference this far into two contents is shown from a little before it, not from their start. */
const CONTEXT_CHARS = 20;

export function addDiffCommand(program: Command, io: CliIo): void {
  program
    .command("diff")
    .description("where two conversations part: common ancestor, the first divergent part and both sides of it")
    .argument("<a>", "a conversation id")
    .argument("<b>", "another conversation id")
    .addOption(dbOption())
    .option("--json", "the comparison as one JSON object")
    .addHelpText(
      "after",
      `
The common ancestor is the deepest conversation in both fork chains, up to the last version both
see. Parts are compared seq by seq over each side's whole history (compacted parts included):
first those both read from the same events, then those each recorded apart but alike (same role,
content, tool calls and answered call: a recorded replay's, say), then the first that differs,
shown for both sides and cut to the width. Conversations that never differ are said to be so.

Example:
  colony diff 01a234c9-2c5f-7001-85aa-089c78598e9a 01a234c9-2f00-7001-a811-50c4c98f0d06 --db .colony/demo.db
`,
    )
    .action(async (a: string, b: string, options: DiffOptions) => {
      await runDiff(a, b, options, io);
    });
}

export async function runDiff(a: string, b: string, options: DiffOptions, io: CliIo): Promise<void> {
  const log = await openStoredLog(options.db, { mustExist: true });
  try {
    const point = await openReadPoint(
      log,
      allProjections.filter((p) => p.name === "conversations"),
      undefined,
      io,
    );
    try {
      const history = async (id: string): Promise<ConversationHistory> => {
        const found = await conversationHistory(point.readModels, id);
        if (!found) throw new UnknownConversationError(id);
        return found;
      };
      const [ha, hb] = [await history(a), await history(b)];
      const heads = new Map(
        (
          await point.readModels
            .selectFrom("conversations")
            .select(["id", "last_version"])
            .where("id", "in", [a, b])
            .execute()
        ).map((r) => [r.id, r.last_version]),
      );
      // The common ancestor is one of the two when its row has no bound; its head is then needed.
      const diff = diffConversations(ha, hb, (id) => heads.get(id) ?? 0);
      const text = options.json ? JSON.stringify(diff) : formatDiff(diff, io.columns ?? DEFAULT_WIDTH).join("\n");
      await writeChunk(io.stdout, `${text}\n`);
    } finally {
      await point.close();
    }
  } finally {
    await log.close();
  }
}

function seqs(range: { fromSeq: number; throughSeq: number }): string {
  return range.fromSeq === range.throughSeq ? `seq ${range.fromSeq}` : `seq ${range.fromSeq}-${range.throughSeq}`;
}

function sideLine(label: string, side: ConversationDiff["a"]): string {
  const through =
    side.lastSeq === null ? "" : side.parts === 1 ? ` (seq ${side.lastSeq})` : ` (through seq ${side.lastSeq})`;
  return `${label}  ${side.conversationId}  ${plural(side.parts, "part")}${through}, fork depth ${side.ancestry.length - 1}`;
}

function ancestorLine(diff: ConversationDiff): string {
  const common = diff.commonAncestor;
  if (common === null) return "common ancestor: none (different fork roots: nothing is shared)";
  const who =
    common.conversationId === diff.a.conversationId
      ? "A itself"
      : common.conversationId === diff.b.conversationId
        ? "B itself"
        : "both descend from it";
  return `common ancestor: ${common.conversationId} up to version ${common.version} (${who})`;
}

function partLines(label: string, part: HistoryPart | null, other: string, differsAt: number | null, width: number) {
  if (part === null) return [cut(`  ${label}  (no part: ${label} ends before this seq, ${other} goes on)`, width)];
  const where = part.inherited ? `inherited from ${part.conversationId} v${part.version}` : `v${part.version}`;
  const chars = [...part.content];
  const start = differsAt !== null && differsAt > CONTEXT_CHARS ? differsAt - CONTEXT_CHARS : 0;
  const content = part.content.length === 0 ? "(empty)" : `${start > 0 ? "…" : ""}${chars.slice(start).join("")}`;
  const calls = (part.toolCalls ?? []).map((c) => `${c.name} ${JSON.stringify(c.arguments)} [${c.id}]`);
  return [
    cut(`  ${label}  ${part.role}  ${where}${part.compacted ? " (compacted)" : ""}`, width),
    ...fields(
      [
        ["content", oneLine(content)],
        ...(calls.length === 0 ? [] : [["tool calls", calls.join("; ")] as const]),
        ...(part.toolCallId === null ? [] : [["answers", part.toolCallId] as const]),
      ],
      width,
      "     ",
    ),
  ];
}

export function formatDiff(diff: ConversationDiff, width: number): string[] {
  const lines = [cut(sideLine("A", diff.a), width), cut(sideLine("B", diff.b), width)];
  if (diff.sameConversation) {
    lines.push("A and B are the same conversation: every part is shared");
    return lines;
  }
  lines.push(cut(ancestorLine(diff), width));
  lines.push(
    diff.shared === null
      ? "shared: no part"
      : `shared: ${seqs(diff.shared)}, ${plural(diff.shared.parts, "part")} read from the same events`,
  );
  if (diff.alike !== null) {
    lines.push(
      `alike: ${seqs(diff.alike)}, ${plural(diff.alike.parts, "part")} recorded apart with the same role, content and tool calls`,
    );
  }
  const d = diff.divergence;
  if (d === null) {
    lines.push(
      diff.alike === null
        ? "identical: both read the same events, no part differs"
        : "no divergent part: the two conversations say the same through their last seq",
    );
    return lines;
  }
  lines.push(`first divergent part: seq ${d.seq}`);
  if (d.differs.length > 0) {
    const from = d.contentDiffersAt ? ` (content from character ${d.contentDiffersAt})` : "";
    lines.push(`  differs in: ${d.differs.join(", ")}${from}`);
  }
  lines.push(...partLines("A", d.a, "B", d.contentDiffersAt, width));
  lines.push(...partLines("B", d.b, "A", d.contentDiffersAt, width));
  return lines;
}

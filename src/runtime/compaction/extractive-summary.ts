import type { LivePart } from "../../projections/conversations/live-context.js";

export interface ExtractiveOptions {
  /** Hard cap on the summary's length. Default 4,000 characters (about 1,000 tokens). */
  readonly maxChars?: number;
}

export const DEFAULT_EXTRACTIVE_MAX_CHARS = 4_000;

type SummarisedPart = Pick<LivePart, "role" | "content" | "toolCalls"> & { readonly summary?: true };

const ITEM_CHARS = 200;
const FIRST_REQUEST_CHARS = 600;
const EARLIER_SUMMARY_CHARS = 1_200;
const LAST_MESSAGE_CHARS = 400;
/** Long lists keep their first and last items: how the work began and where it stood. */
const LIST_HEAD = 3;
const LIST_TAIL = 7;

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

function clip(text: string, max: number): string {
  const line = oneLine(text);
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function firstSentence(text: string): string {
  const line = oneLine(text);
  const match = /^.*?[.!?](?=\s|$)/.exec(line);
  return clip(match ? match[0] : line, ITEM_CHARS);
}

function bounded(items: readonly string[]): string[] {
  if (items.length <= LIST_HEAD + LIST_TAIL) return [...items];
  const omitted = items.length - LIST_HEAD - LIST_TAIL;
  return [...items.slice(0, LIST_HEAD), `… (${omitted} more)`, ...items.slice(-LIST_TAIL)];
}

function toolsUsed(parts: readonly SummarisedPart[]): string | null {
  const counts = new Map<string, number>();
  for (const part of parts)
    for (const call of part.toolCalls ?? []) counts.set(call.name, (counts.get(call.name) ?? 0) + 1);
  if (counts.size === 0) return null;
  return [...counts].map(([name, n]) => (n === 1 ? name : `${name} ×${n}`)).join(", ");
}

/**
 * A summary without a model, for when the model is slow, failing or switched off: the earlier
 * summary (compacting twice keeps the first one's gist), the first request verbatim-ish, later
 * requests, the first sentence of each assistant message (usually what it set out to do), the
 * tools used and the last message. The same parts always give the same text, bounded by maxChars.
 */
export function extractiveSummary(parts: readonly SummarisedPart[], options: ExtractiveOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_EXTRACTIVE_MAX_CHARS;
  const messages = parts.filter((p) => p.summary !== true);
  const lines = [`Summary of ${messages.length} earlier messages (extractive).`];
  for (const earlier of parts.filter((p) => p.summary === true)) {
    lines.push(`Earlier summary: ${clip(earlier.content, EARLIER_SUMMARY_CHARS)}`);
  }
  const requests = messages.filter((p) => p.role === "user" && oneLine(p.content) !== "");
  const [first, ...later] = requests;
  if (first) lines.push(`First request: ${clip(first.content, FIRST_REQUEST_CHARS)}`);
  if (later.length > 0) lines.push("Later requests:", ...bounded(later.map((p) => `- ${clip(p.content, ITEM_CHARS)}`)));
  const said = messages.filter((p) => p.role === "assistant" && oneLine(p.content) !== "");
  if (said.length > 0) lines.push("Assistant:", ...bounded(said.map((p) => `- ${firstSentence(p.content)}`)));
  const tools = toolsUsed(messages);
  if (tools) lines.push(`Tools used: ${tools}`);
  const last = messages.at(-1);
  if (last && last !== first && oneLine(last.content) !== "") {
    lines.push(`Last message (${last.role}): ${clip(last.content, LAST_MESSAGE_CHARS)}`);
  }
  const text = lines.join("\n");
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}

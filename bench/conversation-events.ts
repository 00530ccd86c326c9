import type { NewEvent } from "../src/domain/envelope.js";

/** The data of a `MessagePartAppended`, in the key order of its schema (so the stored JSON is the same text). */
export interface MessagePart {
  readonly seq: number;
  readonly role: "assistant";
  readonly content: string;
  readonly model: string;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
  readonly latencyMs: number;
}

export type MessagePartAppended = NewEvent<"MessagePartAppended", MessagePart>;

const WORDS = (
  "the worker read the task and split it into three steps first it checks the repository layout then " +
  "it runs the failing test to see the error message and finally it proposes a patch with a short " +
  "explanation of why the change is safe and which callers it affects while keeping the public api stable"
).split(" ");

const CONTENT_LENGTH = 350;

/** A few dozen assistant replies of about 350 characters, made deterministically. */
const contents: readonly string[] = Array.from({ length: 61 }, (_, variant) => {
  let text = "";
  let state = variant * 7919 + 1;
  while (text.length < CONTENT_LENGTH) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += `${WORDS[state % WORDS.length]} `;
  }
  return text.slice(0, CONTENT_LENGTH);
});

/**
 * A realistic log event: one assistant message part with ~350 characters of content, valid under
 * the catalogue's schema: ≈ 470 bytes of data JSON, plus ≈ 110 of metadata JSON once stored.
 */
export function messagePart(seq: number): MessagePartAppended {
  return {
    type: "MessagePartAppended",
    data: {
      seq,
      role: "assistant",
      content: contents[seq % contents.length] ?? "",
      model: "m",
      usage: { inputTokens: 1000 + ((seq * 131) % 7000), outputTokens: 20 + ((seq * 17) % 900) },
      latencyMs: 150 + ((seq * 37) % 4000),
    },
  };
}

/** A conversation stream name (category `conversation`). */
export function conversationStream(index: number): string {
  return `conversation-bench${index}`;
}

import { prose } from "./prose.js";

/** A turn of a conversation: a person's message and the assistant's reply, ~400 characters each. */
export interface Turn {
  readonly user: string;
  readonly assistant: {
    readonly content: string;
    readonly model: string;
    readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
    readonly latencyMs: number;
  };
}

export const TURN_TEXT_LENGTH = 400;

export function turn(index: number): Turn {
  return {
    user: prose(2 * index, TURN_TEXT_LENGTH),
    assistant: {
      content: prose(2 * index + 1, TURN_TEXT_LENGTH),
      model: "claude-sonnet",
      usage: { inputTokens: 1_000 + index * 210, outputTokens: 100 + ((index * 17) % 300) },
      latencyMs: 800 + ((index * 37) % 4_000),
    },
  };
}

/** The bytes of message text in a turn (UTF-8), what any store must keep at the very least. */
export function rawTurnBytes(t: Turn): number {
  return Buffer.byteLength(t.user, "utf8") + Buffer.byteLength(t.assistant.content, "utf8");
}

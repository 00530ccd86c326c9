import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventFrame, KEEPALIVE_FRAME, signalFrame } from "../../../src/adapters/http/sse/sse-frames.js";
import { type SseMessage, SseParser } from "../../../src/adapters/web-ui/sse-parser.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `bytes` to a new parser cut at the given offsets. */
function parseInChunks(all: Uint8Array, cuts: readonly number[]): SseMessage[] {
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    messages.push(...parser.push(all.subarray(from, cut)));
    from = cut;
  }
  messages.push(...parser.push(all.subarray(from)));
  return messages;
}

const recorded = (position: bigint, content: string): RecordedEvent => ({
  position,
  streamId: "conversation-k1",
  version: position - 1n,
  type: "MessagePartAppended",
  data: { seq: Number(position), role: "user", content },
  metadata: { eventId: `e${position}`, recordedAt: "2026-01-01T00:00:00.000Z", schemaVersion: 1 },
});

describe("the web UI's event-stream parser", () => {
  it("reads the server's own frames back: the event line as data, the position as id, signals without one", () => {
    const events = [recorded(1n, "héllo ✓"), recorded(2n, "line\nbreak \u2028 and ☃")];
    const signal = { kind: "text_delta" as const, conversationId: "k1", text: "par" };
    const stream = `${eventFrame(events[0] as RecordedEvent)}${KEEPALIVE_FRAME}${signalFrame(signal as never)}${eventFrame(events[1] as RecordedEvent)}`;
    const messages = new SseParser().push(bytes(stream));
    expect(messages.map((m) => [m.type, m.id])).toEqual([
      ["MessagePartAppended", "1"],
      ["text_delta", undefined],
      ["MessagePartAppended", "2"],
    ]);
    expect(JSON.parse((messages[2] as SseMessage).data).data.content).toBe("line\nbreak \u2028 and ☃");
    expect(JSON.parse((messages[1] as SseMessage).data)).toEqual(signal);
  });

  it("gives the same events however the bytes are cut (mid-line, mid-character, between CR and LF)", () => {
    const frame = fc.record({
      id: fc.option(fc.integer({ min: 1, max: 10_000 }).map(String), { nil: undefined }),
      type: fc.option(fc.constantFrom("TaskClaimed", "text_delta"), { nil: undefined }),
      lines: fc.array(
        fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, "")),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      eol: fc.constantFrom("\n", "\r\n", "\r"),
      comment: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), fc.array(fc.nat()), (frames, rawCuts) => {
        const text = frames
          .map(({ id, type, lines, eol, comment }) =>
            [
              ...(comment ? [": keepalive"] : []),
              ...(type ? [`event: ${type}`] : []),
              ...lines.map((line) => `data: ${line}`),
              ...(id ? [`id: ${id}`] : []),
              "",
              "",
            ].join(eol),
          )
          .join("");
        const all = bytes(text);
        const expected = frames.map(({ id, type, lines }) => ({ type: type ?? "message", data: lines.join("\n"), id }));
        const cuts = rawCuts.map((cut) => cut % (all.length + 1));
        expect(parseInChunks(all, cuts)).toEqual(expected);
      }),
    );
  });

  it("follows the standard's field rules: one space dropped, no colon, no data, unknown fields, retry", () => {
    const parser = new SseParser();
    const messages = parser.feed(
      [
        "data:no space",
        "data:  two spaces",
        "",
        "event: lonely",
        "id: 7",
        "",
        "data",
        "whatever: ignored",
        "retry: 1500",
        "",
        "retry: soon",
        "data: x",
        "id: bad\0id",
        "",
        "",
      ].join("\n"),
    );
    expect(messages).toEqual([
      { type: "message", data: "no space\n two spaces", id: undefined },
      // An event with no data is not dispatched, and its type and id do not leak into the next.
      { type: "message", data: "", id: undefined },
      { type: "message", data: "x", id: undefined },
    ]);
    expect(parser.retryMs).toBe(1500);
  });
});

/** One dispatched server-sent event. */
export interface SseMessage {
  /** The `event:` field; "message" when absent. */
  readonly type: string;
  readonly data: string;
  /** The `id:` of this event, if it had one (a stored event's global position; signals carry none). */
  readonly id: string | undefined;
}

/**
 * The text/event-stream format as the HTML standard parses it (lines end in CRLF, LF or CR; a
 * blank line dispatches; `:` starts a comment; one space after the colon is dropped; data lines
 * are joined by newlines), fed byte chunks as a fetch body delivers them. The UI reads the event
 * streams with fetch rather than EventSource so it can send the bearer token as a header: the
 * token never goes into a URL.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private pending = "";
  /** A chunk that ended in CR: an LF opening the next one belongs to the same line end. */
  private skipLf = false;
  private type = "";
  private data: string[] = [];
  private id: string | undefined;
  private hasId = false;
  /** The `retry:` the server asked for, in milliseconds. */
  retryMs: number | undefined;

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: Uint8Array): SseMessage[] {
    return this.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /** Feeds text already decoded. */
  feed(text: string): SseMessage[] {
    let input = text;
    if (this.skipLf && input.startsWith("\n")) input = input.slice(1);
    this.skipLf = false;
    const messages: SseMessage[] = [];
    let buffer = this.pending + input;
    for (;;) {
      const end = buffer.search(/[\r\n]/);
      if (end < 0) break;
      const line = buffer.slice(0, end);
      let next = end + 1;
      if (buffer[end] === "\r") {
        if (end + 1 === buffer.length) this.skipLf = true;
        else if (buffer[end + 1] === "\n") next += 1;
      }
      buffer = buffer.slice(next);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.pending = buffer;
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.type = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\0")) {
          this.id = value;
          this.hasId = true;
        }
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const message =
      this.data.length === 0
        ? undefined
        : { type: this.type || "message", data: this.data.join("\n"), id: this.hasId ? this.id : undefined };
    this.type = "";
    this.data = [];
    this.hasId = false;
    return message;
  }
}

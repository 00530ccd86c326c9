import type { EventJson } from "../cli/event-json.js";
import type { Api } from "./api.js";
import { SseParser } from "./sse-parser.js";

/** A stored event as the event streams carry it: the log's export line. */
export type LogEvent = EventJson;

export type StreamState = "connecting" | "live" | "retrying" | "refused";

export interface StreamFilter {
  readonly types?: readonly string[];
  readonly categories?: readonly string[];
  readonly streams?: readonly string[];
}

export interface StreamOptions {
  readonly filter?: StreamFilter;
  /** The last position already seen: the stream starts just after it (sent as Last-Event-ID). 0: from the start. */
  readonly after: number;
  readonly onEvent: (event: LogEvent) => void;
  readonly onState?: (state: StreamState, detail?: string) => void;
}

const RETRY_MS = 2_000;

/**
 * `GET /api/events`, read with fetch so the bearer token travels as a header. Every stored event
 * has its global position as its SSE id; the stream remembers the last one and, when the
 * connection drops, reconnects with `Last-Event-ID` set to it, so no event is missed or seen twice.
 * Live-bus signals (no id) are not stored events and are left out.
 */
export class EventStream {
  private readonly abort = new AbortController();
  private last: number;

  constructor(
    private readonly api: Api,
    private readonly options: StreamOptions,
  ) {
    this.last = options.after;
    void this.run();
  }

  close(): void {
    this.abort.abort();
  }

  private url(): string {
    const query = new URLSearchParams();
    const { filter } = this.options;
    if (filter?.types?.length) query.set("types", filter.types.join(","));
    if (filter?.categories?.length) query.set("categories", filter.categories.join(","));
    if (filter?.streams?.length) query.set("streams", filter.streams.join(","));
    const text = query.toString();
    return text ? `/api/events?${text}` : "/api/events";
  }

  private state(state: StreamState, detail?: string): void {
    this.options.onState?.(state, detail);
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    let retryMs = RETRY_MS;
    while (!signal.aborted) {
      this.state("connecting");
      try {
        const response = await fetch(this.url(), {
          signal,
          headers: this.api.headers({ accept: "text/event-stream", "last-event-id": String(this.last) }),
        });
        if (response.status === 401) {
          await this.api.renewToken();
          continue;
        }
        if (!response.ok || !response.body) {
          // A refused filter stays refused: trying again would only repeat the 400.
          const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
          this.state("refused", body?.error?.message ?? `the event stream answered ${response.status}`);
          return;
        }
        this.state("live");
        const parser = new SseParser();
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const message of parser.push(value)) {
            if (message.id === undefined || message.id === "") continue;
            this.last = Number(message.id);
            this.options.onEvent(JSON.parse(message.data) as LogEvent);
          }
        }
        retryMs = parser.retryMs ?? RETRY_MS;
      } catch (error) {
        if (signal.aborted) return;
        this.state("retrying", (error as Error).message);
      }
      if (signal.aborted) return;
      this.state("retrying");
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}

import type { Api } from "./api.js";
import { EventStream, type LogEvent, type StreamState } from "./event-stream.js";

export type LogListener = (event: LogEvent) => void;

/**
 * The log from now on, for the views that keep themselves current (the workers, the board, the
 * fork tree, an open conversation): one event stream from the head as it was when the page
 * opened, each new event handed to every listener.
 */
export class LiveLog {
  private readonly listeners = new Set<LogListener>();

  constructor(
    private readonly api: Api,
    private readonly onState: (state: StreamState, detail?: string) => void,
  ) {}

  async start(): Promise<void> {
    const after = await this.api.head();
    new EventStream(this.api, {
      after,
      onEvent: (event) => {
        for (const listener of this.listeners) listener(event);
      },
      onState: this.onState,
    });
  }

  on(listener: LogListener): void {
    this.listeners.add(listener);
  }
}

import { type Observable, Subject } from "rxjs";

/**
 * What happens between stored events and is not worth storing (DESIGN §3): text as a model
 * streams it, a tool call starting. It travels beside the log, in process, to whoever listens
 * (the API's SSE streams); a listener that joins late has missed it, by design.
 */
export type LiveSignal =
  | { readonly kind: "text_delta"; readonly agentId: string; readonly conversationId: string; readonly text: string }
  | {
      readonly kind: "tool_call_started";
      readonly agentId: string;
      readonly conversationId: string;
      readonly toolCallId: string;
      readonly name: string;
    };

export class LiveBus {
  private readonly subject = new Subject<LiveSignal>();

  /** Every signal from now on. */
  get signals(): Observable<LiveSignal> {
    return this.subject.asObservable();
  }

  publish(signal: LiveSignal): void {
    this.subject.next(signal);
  }
}

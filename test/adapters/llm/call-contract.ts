import { expect, it } from "vitest";
import type { LlmProvider, LlmRequest } from "../../../src/domain/ports/llm-provider.js";
import { RecordingServer, recorded } from "./recording-server.js";

/** One adapter as the shared contract drives it, over its recording server. */
export interface ContractSubject {
  readonly server: () => RecordingServer;
  readonly provider: () => LlmProvider;
  /** The same adapter pointed at another server's base URL. */
  readonly connectTo: (server: RecordingServer) => LlmProvider;
  readonly question: LlmRequest;
  /** A recorded text stream, how many of its events carry the first deltas, and those deltas. */
  readonly stream: { readonly file: string; readonly stallAfter: number; readonly firstDeltas: readonly string[] };
}

/**
 * What every LlmProvider adapter promises about connections and aborts (the port's contract),
 * written once: an unreachable server is a retryable failure; an abort, before the call, while
 * the server is silent, or mid-stream, rejects with the signal's reason; no delta reaches the
 * caller after an abort.
 */
export function callContract(subject: ContractSubject): void {
  it("calls a server that refuses the connection a retryable failure", async () => {
    const gone = await RecordingServer.start();
    const unreachable = subject.connectTo(gone);
    await gone.close();

    const error = await unreachable.complete(subject.question).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "llm_request_failed", retryable: true });
    expect((error as Error).message).toContain("no answer from the server");
  });

  it("rejects with the signal's reason, sending nothing, when aborted before the call", async () => {
    const reason = new Error("stopped by the runtime");

    await expect(subject.provider().complete(subject.question, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(subject.server().received).toHaveLength(0);
  });

  it("rejects with the signal's reason when aborted while the server has not answered", async () => {
    subject.server().reply({ hold: true });
    const controller = new AbortController();
    const reason = new Error("stopped by the runtime");

    const call = subject.provider().complete(subject.question, { signal: controller.signal });
    await subject.server().requests(1);
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
  });

  it("rejects with the signal's reason when aborted mid-stream, after the deltas already shown", async () => {
    const { file, stallAfter, firstDeltas } = subject.stream;
    subject.server().reply({ sse: recorded(file), stallAfter });
    const controller = new AbortController();
    const reason = new Error("stopped by the runtime");
    const deltas: string[] = [];
    let allShown: () => void = () => {};
    const shown = new Promise<void>((resolve) => {
      allShown = resolve;
    });

    const call = subject.provider().complete(subject.question, {
      signal: controller.signal,
      onDelta: (text) => {
        deltas.push(text);
        if (deltas.length === firstDeltas.length) allShown();
      },
    });
    await shown;
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(deltas).toEqual(firstDeltas);
  });

  it("delivers no delta after an abort, even from events that had already arrived", async () => {
    subject.server().reply({ sse: recorded(subject.stream.file) });
    const controller = new AbortController();
    const deltas: string[] = [];

    const call = subject.provider().complete(subject.question, {
      signal: controller.signal,
      onDelta: (text) => {
        deltas.push(text);
        controller.abort();
      },
    });

    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(deltas).toEqual(subject.stream.firstDeltas.slice(0, 1));
  });
}

import type { CompleteOptions, LlmProvider, LlmRequest, LlmResponse } from "../../../src/domain/ports/llm-provider.js";
import { LlmProviderError } from "../../../src/domain/ports/llm-provider.js";

/** A provider double that records every request it was given. */
export interface FakeProvider extends LlmProvider {
  readonly requests: LlmRequest[];
}

const response = (content: string): LlmResponse => ({
  content,
  toolCalls: [],
  model: "fake-summariser",
  usage: { inputTokens: 100, outputTokens: 20 },
  stopReason: "end",
});

/** Answers every request with this summary. */
export function answering(summary: string): FakeProvider {
  const requests: LlmRequest[] = [];
  return {
    name: "fake:answering",
    requests,
    async complete(request) {
      requests.push(request);
      return response(summary);
    },
  };
}

/** Never answers; rejects with the signal's reason once aborted, as a well-behaved adapter does. */
export function neverAnswering(): FakeProvider {
  const requests: LlmRequest[] = [];
  return {
    name: "fake:silent",
    requests,
    complete(request, options?: CompleteOptions) {
      requests.push(request);
      return new Promise<LlmResponse>((_, reject) => {
        options?.signal?.addEventListener("abort", () => reject(options.signal?.reason), { once: true });
      });
    },
  };
}

/** Never answers and never looks at its signal: a hung endpoint behind a careless adapter. */
export function hung(): FakeProvider {
  const requests: LlmRequest[] = [];
  return {
    name: "fake:hung",
    requests,
    complete(request) {
      requests.push(request);
      return new Promise<LlmResponse>(() => {});
    },
  };
}

/** Fails every call, as an adapter does on a 500. */
export function throwing(): FakeProvider {
  const requests: LlmRequest[] = [];
  return {
    name: "fake:failing",
    requests,
    async complete(request) {
      requests.push(request);
      throw new LlmProviderError("llm_request_failed", "upstream answered 500", true, { status: 500 });
    },
  };
}

/** Fails the first `failures` calls, then answers. */
export function failingThenAnswering(failures: number, summary: string): FakeProvider {
  const requests: LlmRequest[] = [];
  return {
    name: "fake:flaky",
    requests,
    async complete(request) {
      requests.push(request);
      if (requests.length <= failures) throw new LlmProviderError("llm_request_failed", "overloaded", true);
      return response(summary);
    },
  };
}

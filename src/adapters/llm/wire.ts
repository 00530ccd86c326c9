import { LlmProviderError } from "../../domain/ports/llm-provider.js";

/**
 * What both vendor adapters do alike with their wire: tool arguments, which statuses are worth
 * retrying, and streams that break.
 */

/**
 * The wire's argument text as JSON. Text that is not JSON stays the raw string: the agent loop
 * validates arguments against the tool's zod object schema, which refuses a string and tells the
 * model so (a `{ _raw }` wrapper could slip through a schema whose fields are all optional). An
 * empty text, which servers send for a tool without parameters, is `{}`.
 */
export function parseToolArguments(raw: string): unknown {
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The statuses the SDKs themselves would retry: timeout, conflict, rate limit, server errors (529 overloaded too). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * A stream's items, with the ways it can break sorted out: the SDK's own errors (`isSdkError`)
 * and ours pass through; an item that is not JSON is a bad answer; anything else (undici's bare
 * TypeError when the body breaks off) is a retryable failure. Errors thrown by the consumer, the
 * caller's onDelta included, are not touched.
 */
export async function* guardedStream<T>(
  stream: AsyncIterable<T>,
  provider: string,
  isSdkError: (error: unknown) => boolean,
): AsyncGenerator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next().catch((error: unknown) => {
        throw streamBroke(error, provider, isSdkError);
      });
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function streamBroke(error: unknown, provider: string, isSdkError: (error: unknown) => boolean): unknown {
  if (isSdkError(error) || error instanceof LlmProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const details = { provider };
  if (error instanceof SyntaxError) {
    return new LlmProviderError(
      "llm_bad_response",
      `${provider}: a streamed item is not JSON: ${message}`,
      false,
      details,
    );
  }
  return new LlmProviderError(
    "llm_request_failed",
    `${provider} request failed (the stream broke off): ${message}`,
    true,
    details,
  );
}

/**
 * One model call with the port's abort and error contract: refused at once when already aborted,
 * rejected with the signal's reason when aborted meanwhile, any other failure as the adapter's
 * typed error.
 */
export async function guardedCall<T>(
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
  failure: (error: unknown) => unknown,
): Promise<T> {
  signal?.throwIfAborted();
  try {
    return await call();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw failure(error);
  }
}

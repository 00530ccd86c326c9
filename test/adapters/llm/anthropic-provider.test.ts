import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnthropicProvider } from "../../../src/adapters/llm/anthropic-provider.js";
import { LlmProviderError, type LlmRequest, type LlmToolSpec } from "../../../src/domain/ports/llm-provider.js";
import { callContract } from "./call-contract.js";
import { RecordingServer, recorded } from "./recording-server.js";

const testTool: LlmToolSpec = {
  name: "test_tool",
  description: "A test tool",
  parameters: { type: "object", properties: { count: { type: "number" } }, required: ["count"] },
};

const ask = "Use the test_tool with count 1, then use it again with count 2";

// The conversation of a request Anthropic's own SDK sent to the real API (recorded/anthropic-request-tool-results.json).
const afterTwoCalls: LlmRequest = {
  system: "",
  messages: [
    { role: "user", content: ask },
    {
      role: "assistant",
      content: "I'll use the test_tool twice as requested, first with count 1 and then with count 2.",
      toolCalls: [
        { id: "toolu_0179r6ofLHbaispTuUAqMJfr", name: "test_tool", arguments: { count: 1 } },
        { id: "toolu_012uz9XtyrRxAoELvYgkQnxi", name: "test_tool", arguments: { count: 2 } },
      ],
    },
    { role: "tool", toolCallId: "toolu_0179r6ofLHbaispTuUAqMJfr", content: "Called with 1" },
    { role: "tool", toolCallId: "toolu_012uz9XtyrRxAoELvYgkQnxi", content: "Called with 2" },
  ],
  tools: [testTool],
  maxTokens: 1000,
};

const question: LlmRequest = { system: "", messages: [{ role: "user", content: "Hello" }], tools: [] };

describe("AnthropicProvider against a local server answering with recorded Anthropic payloads", () => {
  let server: RecordingServer;
  let provider: AnthropicProvider;

  beforeEach(async () => {
    server = await RecordingServer.start();
    provider = new AnthropicProvider({ model: "claude-sonnet-4-0", apiKey: "sk-ant-test", baseURL: server.url() });
  });
  afterEach(async () => {
    await server.close();
  });

  it("sends tool calls as tool_use blocks and both results in one user turn, as the recorded request did", async () => {
    server.reply({ json: recorded("anthropic-message-text.json") });

    const response = await provider.complete(afterTwoCalls);

    const [sent] = server.received;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/messages");
    // This SDK version sends the key as a bearer token, with its API version.
    expect(sent?.headers.authorization).toBe("Bearer sk-ant-test");
    expect(sent?.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const recordedRequest = JSON.parse(recorded("anthropic-request-tool-results.json")) as Record<string, unknown>;
    expect(sent?.body.messages).toEqual(recordedRequest.messages);
    expect(sent?.body).toMatchObject({ model: "claude-sonnet-4-0", max_tokens: 1000, stream: false });
    expect(sent?.body.tools).toEqual([
      { name: "test_tool", description: "A test tool", input_schema: testTool.parameters },
    ]);
    expect(sent?.body).not.toHaveProperty("system");

    expect(response).toEqual({
      content:
        'Perfect! I\'ve successfully called the test_tool twice:\n- First call with count=1 returned: "Called with 1"\n- Second call with count=2 returned: "Called with 2"',
      toolCalls: [],
      model: "claude-sonnet-4-20250514",
      usage: { inputTokens: 603, outputTokens: 49 },
      stopReason: "end",
    });
  });

  it("parses a recorded answer with text and two tool_use blocks, sending the system prompt top-level", async () => {
    server.reply({ json: recorded("anthropic-message-tool-use.json") });

    const response = await provider.complete({
      system: "You use tools.",
      messages: [{ role: "user", content: ask }],
      tools: [testTool],
    });

    expect(server.received[0]?.body).toMatchObject({
      system: "You use tools.",
      messages: [{ role: "user", content: ask }],
      // The adapter's default: the Messages API requires a cap.
      max_tokens: 4096,
    });
    expect(response).toEqual({
      content: "I'll use the test_tool twice as requested, first with count 1 and then with count 2.",
      toolCalls: [
        { id: "toolu_0179r6ofLHbaispTuUAqMJfr", name: "test_tool", arguments: { count: 1 } },
        { id: "toolu_012uz9XtyrRxAoELvYgkQnxi", name: "test_tool", arguments: { count: 2 } },
      ],
      model: "claude-sonnet-4-20250514",
      usage: { inputTokens: 418, outputTokens: 114 },
      stopReason: "tool_calls",
    });
  });

  it("streams a recorded answer: text deltas in order, usage from message_start and message_delta", async () => {
    server.reply({ sse: recorded("anthropic-stream-text.sse") });
    const deltas: string[] = [];

    const response = await provider.complete(question, { onDelta: (text) => deltas.push(text) });

    expect(server.received[0]?.body).toMatchObject({ stream: true });
    expect(deltas).toEqual(["Hello", " there", "!"]);
    expect(response).toEqual({
      content: "Hello there!",
      toolCalls: [],
      model: "claude-3-opus-20240229",
      usage: { inputTokens: 11, outputTokens: 6 },
      stopReason: "end",
    });
  });

  it("assembles tool input from recorded input_json_delta fragments while streaming the text before it", async () => {
    server.reply({ sse: recorded("anthropic-stream-tool-use.sse") });
    const deltas: string[] = [];

    const response = await provider.complete(question, { onDelta: (text) => deltas.push(text) });

    expect(deltas).toEqual(["I", "'ll check the current weather in Paris for you."]);
    expect(response).toEqual({
      content: "I'll check the current weather in Paris for you.",
      toolCalls: [{ id: "toolu_01NRLabsLyVHZPKxbKvkfSMn", name: "get_weather", arguments: { location: "Paris" } }],
      model: "claude-sonnet-4-20250514",
      usage: { inputTokens: 377, outputTokens: 65 },
      stopReason: "tool_calls",
    });
  });

  it("keeps a streamed tool input cut off mid-JSON as raw text rather than a partial parse", async () => {
    // The recorded stream without its last input fragment: the input ends at `{"location": "Par`.
    const cut = recorded("anthropic-stream-tool-use.sse").replace(
      /event: content_block_delta\ndata: [^\n]*"partial_json":"is\\"}"}}\n\n/,
      "",
    );
    server.reply({ sse: cut });

    const response = await provider.complete(question, { onDelta: () => {} });

    expect(response.toolCalls[0]?.arguments).toBe('{"location": "Par');
  });

  it("turns an overloaded_error inside a 200 stream into a retryable failure, after the deltas already shown", async () => {
    server.reply({ sse: recorded("anthropic-stream-overloaded.sse") });
    const deltas: string[] = [];

    const error = await provider.complete(question, { onDelta: (text) => deltas.push(text) }).catch((e: unknown) => e);

    expect(deltas).toEqual(["Hello"]);
    expect(error).toBeInstanceOf(LlmProviderError);
    expect(error).toMatchObject({
      code: "llm_request_failed",
      retryable: true,
      details: { provider: "anthropic:claude-sonnet-4-0", errorType: "overloaded_error" },
    });
  });

  it("turns a recorded HTTP 429 into a retryable llm_request_failed naming the provider and status, without retrying", async () => {
    server.reply({
      json: recorded("anthropic-error-429.json"),
      status: 429,
      headers: { "request-id": "req_011CcR9mkMvXdaiWP4739PSN" },
    });

    const error = await provider.complete(question).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: "llm_request_failed",
      retryable: true,
      details: { status: 429, errorType: "rate_limit_error", requestId: "req_011CcR9mkMvXdaiWP4739PSN" },
    });
    expect((error as Error).message).toMatch(/^anthropic:claude-sonnet-4-0 request failed \(HTTP 429\): .*rate limit/);
    expect(server.received).toHaveLength(1);
  });

  it("turns a recorded HTTP 500 into a retryable failure, and a 400 into one that is not", async () => {
    server.reply(
      { json: recorded("anthropic-error-500.json"), status: 500 },
      { json: recorded("anthropic-error-400.json"), status: 400 },
    );

    const serverError = await provider.complete(question).catch((e: unknown) => e);
    const tooLong = await provider.complete(question).catch((e: unknown) => e);

    expect(serverError).toMatchObject({ code: "llm_request_failed", retryable: true, details: { status: 500 } });
    expect((serverError as Error).message).toContain("HTTP 500");
    expect(tooLong).toMatchObject({ code: "llm_request_failed", retryable: false, details: { status: 400 } });
    expect((tooLong as Error).message).toContain("prompt is too long");
  });

  it("tells a stream that breaks off or ends early (retryable) from one that sends an event that is not JSON", async () => {
    const text = recorded("anthropic-stream-text.sse");
    const events = text.split(/(?<=\n\n)/);
    server.reply(
      { sse: text, breakAfter: 4 },
      { sse: events.slice(0, 6).join("") },
      // Cut inside a JSON object (the SDK logs that line to stderr before it throws).
      { sse: `${events.slice(0, 2).join("")}event: content_block_delta\ndata: {"type":"content_bl\n\n` },
    );
    const onDelta = () => {};

    const broken = await provider.complete(question, { onDelta }).catch((e: unknown) => e);
    const short = await provider.complete(question, { onDelta }).catch((e: unknown) => e);
    const garbled = await provider.complete(question, { onDelta }).catch((e: unknown) => e);

    expect(broken).toMatchObject({ code: "llm_request_failed", retryable: true });
    expect((broken as Error).message).toContain("the stream broke off");
    expect(short).toMatchObject({ code: "llm_bad_response", retryable: true });
    expect((short as Error).message).toContain("without a stop_reason");
    expect(garbled).toMatchObject({ code: "llm_bad_response", retryable: false });
    expect((garbled as Error).message).toContain("not JSON");
  });

  callContract({
    server: () => server,
    provider: () => provider,
    connectTo: (other) =>
      new AnthropicProvider({ model: "claude-sonnet-4-0", apiKey: "sk-ant-test", baseURL: other.url() }),
    question,
    // message_start, content_block_start, ping and the first two deltas; then the connection stays open.
    stream: { file: "anthropic-stream-text.sse", stallAfter: 5, firstDeltas: ["Hello", " there"] },
  });
});

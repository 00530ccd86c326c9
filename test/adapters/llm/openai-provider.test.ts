import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenAiProvider } from "../../../src/adapters/llm/openai-provider.js";
import { LlmProviderError, type LlmRequest, type LlmToolSpec } from "../../../src/domain/ports/llm-provider.js";
import { callContract } from "./call-contract.js";
import { RecordingServer, recorded } from "./recording-server.js";

const weather: LlmToolSpec = {
  name: "GetWeatherArgs",
  description: "Get the temperature for the given country/city combo",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, country: { type: "string" }, units: { enum: ["c", "f"] } },
    required: ["city", "country"],
  },
};
const stockPrice: LlmToolSpec = {
  name: "get_stock_price",
  description: "Fetch the latest price for a given ticker",
  parameters: {
    type: "object",
    properties: { ticker: { type: "string" }, exchange: { type: "string" } },
    required: ["ticker", "exchange"],
  },
};

// A conversation with every kind of part: an earlier tool call and its result, then a new question.
const conversation: LlmRequest = {
  system: "You answer with tools.",
  messages: [
    { role: "user", content: "What's the weather like in Edinburgh?" },
    {
      role: "assistant",
      content: "Let me look.",
      toolCalls: [{ id: "call_earlier", name: "GetWeatherArgs", arguments: { city: "Edinburgh", country: "GB" } }],
    },
    { role: "tool", toolCallId: "call_earlier", content: "4°C and rain" },
    { role: "user", content: "What's the price of AAPL?" },
  ],
  tools: [weather, stockPrice],
  maxTokens: 256,
};

const question: LlmRequest = {
  system: "",
  messages: [{ role: "user", content: "What's the weather like in SF?" }],
  tools: [],
};

const streamedText =
  "I'm unable to provide real-time updates, including current weather information. For the latest weather in San Francisco, I recommend checking a reliable weather website or app such as the Weather Channel, BBC Weather, or a local San Francisco news station.";

describe("OpenAiProvider against a local server answering with recorded OpenAI payloads", () => {
  let server: RecordingServer;
  let provider: OpenAiProvider;

  beforeEach(async () => {
    server = await RecordingServer.start();
    provider = new OpenAiProvider({ model: "gpt-4o-2024-08-06", apiKey: "sk-test", baseURL: server.url("/v1") });
  });
  afterEach(async () => {
    await server.close();
  });

  it("sends the conversation as chat messages and tools, and parses two recorded tool calls", async () => {
    server.reply({ json: recorded("openai-chat-completion-tool-calls.json") });

    const response = await provider.complete(conversation);

    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe("Bearer sk-test");
    expect(sent?.headers["content-type"]).toBe("application/json");
    expect(sent?.body).toEqual({
      model: "gpt-4o-2024-08-06",
      messages: [
        { role: "system", content: "You answer with tools." },
        { role: "user", content: "What's the weather like in Edinburgh?" },
        {
          role: "assistant",
          content: "Let me look.",
          tool_calls: [
            {
              id: "call_earlier",
              type: "function",
              function: { name: "GetWeatherArgs", arguments: '{"city":"Edinburgh","country":"GB"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_earlier", content: "4°C and rain" },
        { role: "user", content: "What's the price of AAPL?" },
      ],
      tools: [
        { type: "function", function: weather },
        { type: "function", function: stockPrice },
      ],
      // A base URL of one's own gets the field every compatible server reads.
      max_tokens: 256,
      stream: false,
    });

    expect(response).toEqual({
      content: "",
      toolCalls: [
        {
          id: "call_fdNz3vOBKYgOIpMdWotB9MjY",
          name: "GetWeatherArgs",
          arguments: { city: "Edinburgh", country: "GB", units: "c" },
        },
        {
          id: "call_h1DWI1POMJLb0KwIyQHWXD4p",
          name: "get_stock_price",
          arguments: { ticker: "AAPL", exchange: "NASDAQ" },
        },
      ],
      model: "gpt-4o-2024-08-06",
      usage: { inputTokens: 149, outputTokens: 60 },
      stopReason: "tool_calls",
    });
  });

  it("parses a recorded text answer, and sends neither an empty system prompt nor an empty tools list", async () => {
    server.reply({ json: recorded("openai-chat-completion-text.json") });

    const response = await provider.complete(question);

    expect(server.received[0]?.body).toEqual({
      model: "gpt-4o-2024-08-06",
      messages: [{ role: "user", content: "What's the weather like in SF?" }],
      stream: false,
    });
    expect(response).toEqual({
      content:
        "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or app like the Weather Channel or a local news station.",
      toolCalls: [],
      model: "gpt-4o-2024-08-06",
      usage: { inputTokens: 14, outputTokens: 37 },
      stopReason: "end",
    });
  });

  it('maps finish_reason "length" to max_tokens and can send max_completion_tokens instead', async () => {
    const reasoning = new OpenAiProvider({
      model: "gpt-4o-2024-08-06",
      apiKey: "sk-test",
      baseURL: server.url("/v1"),
      maxTokensField: "max_completion_tokens",
    });
    server.reply({ json: recorded("openai-chat-completion-length.json") });

    const response = await reasoning.complete({ ...question, maxTokens: 1 });

    expect(server.received[0]?.body.max_completion_tokens).toBe(1);
    expect(server.received[0]?.body).not.toHaveProperty("max_tokens");
    expect(response.stopReason).toBe("max_tokens");
    expect(response.content).toBe('{"');
  });

  it("keeps tool-call arguments that are not JSON as the model's raw text", async () => {
    // The recorded answer with one argument string cut short, as a model at its token limit sends it.
    server.reply({
      json: recorded("openai-chat-completion-tool-calls.json").replace(
        String.raw`\"exchange\": \"NASDAQ\"}`,
        String.raw`\"exchange\": \"NAS`,
      ),
    });

    const response = await provider.complete(conversation);

    expect(response.toolCalls[0]?.arguments).toEqual({ city: "Edinburgh", country: "GB", units: "c" });
    expect(response.toolCalls[1]?.arguments).toBe('{"ticker": "AAPL", "exchange": "NAS');
  });

  it("streams a recorded answer: every text delta in order, then the whole text and the final usage chunk", async () => {
    server.reply({ sse: recorded("openai-stream-text.sse") });
    const deltas: string[] = [];

    const response = await provider.complete(question, { onDelta: (text) => deltas.push(text) });

    expect(server.received[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(deltas).toHaveLength(47);
    expect(deltas.slice(0, 4)).toEqual(["I'm", " unable", " to", " provide"]);
    expect(deltas.join("")).toBe(streamedText);
    expect(response).toEqual({
      content: streamedText,
      toolCalls: [],
      model: "gpt-4o-2024-08-06",
      usage: { inputTokens: 14, outputTokens: 47 },
      stopReason: "end",
    });
  });

  it("assembles two parallel tool calls from recorded streamed fragments", async () => {
    server.reply({ sse: recorded("openai-stream-tool-calls.sse") });
    const deltas: string[] = [];

    const response = await provider.complete(conversation, { onDelta: (text) => deltas.push(text) });

    expect(deltas).toEqual([]);
    expect(response).toEqual({
      content: "",
      toolCalls: [
        {
          id: "call_lQnnsesjFMWMQ5IeWPHzR4th",
          name: "GetWeatherArgs",
          arguments: { city: "Edinburgh", country: "UK", units: "c" },
        },
        {
          id: "call_2xjOUgaCdiwAcl9ZBL9LyMUU",
          name: "get_stock_price",
          arguments: { ticker: "AAPL", exchange: "NASDAQ" },
        },
      ],
      model: "gpt-4o-2024-08-06",
      usage: { inputTokens: 149, outputTokens: 60 },
      stopReason: "tool_calls",
    });
  });

  it("turns a recorded HTTP 429 into a retryable llm_request_failed naming the provider and status, without retrying", async () => {
    server.reply({ json: recorded("openai-error-429.json"), status: 429, headers: { "x-request-id": "req_429" } });

    const error = await provider.complete(question).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LlmProviderError);
    expect(error).toMatchObject({
      code: "llm_request_failed",
      retryable: true,
      details: { provider: "openai:gpt-4o-2024-08-06", status: 429, requestId: "req_429" },
    });
    expect((error as Error).message).toMatch(
      /^openai:gpt-4o-2024-08-06 request failed \(HTTP 429\): .*Rate limit reached/,
    );
    // maxRetries is 0: the runtime, not the SDK, decides whether to try again.
    expect(server.received).toHaveLength(1);
  });

  it("turns a recorded HTTP 500 into a retryable failure, and a 401 into one that is not", async () => {
    server.reply(
      { json: recorded("openai-error-500.json"), status: 500 },
      { json: recorded("openai-error-401.json"), status: 401 },
    );

    const serverError = await provider.complete(question).catch((e: unknown) => e);
    const badKey = await provider.complete(question).catch((e: unknown) => e);

    expect(serverError).toMatchObject({ code: "llm_request_failed", retryable: true, details: { status: 500 } });
    expect((serverError as Error).message).toContain("HTTP 500");
    expect(badKey).toMatchObject({ code: "llm_request_failed", retryable: false, details: { status: 401 } });
    expect((badKey as Error).message).toContain("Incorrect API key provided");
  });

  it("points at OPENAI_API_KEY when a server refuses a call that was sent without a key", async () => {
    const keyless = new OpenAiProvider({ model: "gpt-4o-2024-08-06", baseURL: server.url("/v1") });
    server.reply({ json: recorded("openai-error-401.json"), status: 401 });

    const error = await keyless.complete(question).catch((e: unknown) => e);

    expect(server.received[0]?.headers.authorization).toBe("Bearer no-key");
    expect(error).toMatchObject({ code: "llm_request_failed", retryable: false });
    expect((error as Error).message).toMatch(/HTTP 401.*no API key was sent: set OPENAI_API_KEY/);
  });

  it("tells a stream that breaks off or ends early (retryable) from one that sends a chunk that is not JSON", async () => {
    const text = recorded("openai-stream-text.sse");
    const events = text.split(/(?<=\n\n)/);
    server.reply(
      { sse: text, breakAfter: 4 },
      { sse: events.slice(0, 4).join("") },
      // Cut inside a JSON object (the SDK logs that line to stderr before it throws).
      { sse: `${events.slice(0, 2).join("")}data: {"id":"chatcmpl-9tXjg9Dd\n\n` },
    );
    const onDelta = () => {};

    const broken = await provider.complete(question, { onDelta }).catch((e: unknown) => e);
    const short = await provider.complete(question, { onDelta }).catch((e: unknown) => e);
    const garbled = await provider.complete(question, { onDelta }).catch((e: unknown) => e);

    expect(broken).toMatchObject({ code: "llm_request_failed", retryable: true });
    expect((broken as Error).message).toContain("the stream broke off");
    expect(short).toMatchObject({ code: "llm_bad_response", retryable: true });
    expect((short as Error).message).toContain("without a finish_reason");
    expect(garbled).toMatchObject({ code: "llm_bad_response", retryable: false });
    expect((garbled as Error).message).toContain("not JSON");
  });

  callContract({
    server: () => server,
    provider: () => provider,
    connectTo: (other) =>
      new OpenAiProvider({ model: "gpt-4o-2024-08-06", apiKey: "sk-test", baseURL: other.url("/v1") }),
    question,
    // Role chunk and three words, then the connection stays open.
    stream: { file: "openai-stream-text.sse", stallAfter: 4, firstDeltas: ["I'm", " unable", " to"] },
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { providerFromEnv } from "../../../src/adapters/llm/provider-from-env.js";
import { InvalidArgumentError } from "../../../src/domain/errors.js";
import { type LlmProvider, LlmProviderError, type LlmRequest } from "../../../src/domain/ports/llm-provider.js";
import { RecordingServer, recorded } from "./recording-server.js";

const hello: LlmRequest = { system: "", messages: [{ role: "user", content: "Hello" }], tools: [] };

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("providerFromEnv", () => {
  let server: RecordingServer;

  beforeEach(async () => {
    server = await RecordingServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it("returns undefined when COLONY_MODEL is unset or blank, leaving the default to the caller", () => {
    expect(providerFromEnv({})).toBeUndefined();
    expect(providerFromEnv({ COLONY_MODEL: "  " })).toBeUndefined();
  });

  it("builds the OpenAI adapter from OPENAI_API_KEY and OPENAI_BASE_URL, and sends the key", async () => {
    const provider = providerFromEnv({
      COLONY_MODEL: "openai:gpt-4o-2024-08-06",
      OPENAI_API_KEY: "sk-from-env",
      OPENAI_BASE_URL: server.url("/v1"),
    });
    server.reply({ json: recorded("openai-chat-completion-text.json") });

    const response = await provider?.complete(hello);

    expect(provider?.name).toBe("openai:gpt-4o-2024-08-06");
    expect(server.received[0]).toMatchObject({
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer sk-from-env" },
      body: { model: "gpt-4o-2024-08-06" },
    });
    expect(response?.stopReason).toBe("end");
  });

  it("takes everything after the first colon as the model, and lets a local server go without a key", async () => {
    const provider = providerFromEnv({ COLONY_MODEL: "openai:llama3.1:8b", OPENAI_BASE_URL: server.url("/v1") });
    server.reply({ json: recorded("openai-chat-completion-text.json") });

    await provider?.complete(hello);

    expect(provider?.name).toBe("openai:llama3.1:8b");
    expect(server.received[0]?.body.model).toBe("llama3.1:8b");
    // The SDK needs some key; a server that wants none ignores the placeholder.
    expect(server.received[0]?.headers.authorization).toBe("Bearer no-key");
  });

  it("refuses OpenAI's own API without a key, naming OPENAI_API_KEY", () => {
    for (const env of [
      { COLONY_MODEL: "openai:gpt-4o-mini" },
      { COLONY_MODEL: "openai:gpt-4o-mini", OPENAI_API_KEY: " " },
      { COLONY_MODEL: "openai:gpt-4o-mini", OPENAI_BASE_URL: "https://api.openai.com/v1" },
    ]) {
      const error = failureOf(() => providerFromEnv(env));
      expect(error).toBeInstanceOf(LlmProviderError);
      expect(error).toMatchObject({
        code: "llm_missing_api_key",
        retryable: false,
        details: { variable: "OPENAI_API_KEY" },
      });
      expect((error as Error).message).toContain("set OPENAI_API_KEY");
    }
  });

  it("builds the Anthropic adapter from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, and sends the key", async () => {
    const provider = providerFromEnv({
      COLONY_MODEL: "anthropic:claude-sonnet-4-0",
      ANTHROPIC_API_KEY: "sk-ant-from-env",
      ANTHROPIC_BASE_URL: server.url(),
    });
    server.reply({ json: recorded("anthropic-message-text.json") });

    await provider?.complete(hello);

    expect(provider?.name).toBe("anthropic:claude-sonnet-4-0");
    expect(server.received[0]).toMatchObject({
      path: "/v1/messages",
      headers: { authorization: "Bearer sk-ant-from-env" },
      body: { model: "claude-sonnet-4-0" },
    });
  });

  it("refuses Anthropic without a key, even with a base URL, naming ANTHROPIC_API_KEY", () => {
    const error = failureOf(() =>
      providerFromEnv({ COLONY_MODEL: "anthropic:claude-sonnet-4-0", ANTHROPIC_BASE_URL: server.url() }),
    );

    expect(error).toMatchObject({ code: "llm_missing_api_key", details: { variable: "ANTHROPIC_API_KEY" } });
    expect((error as Error).message).toContain("set ANTHROPIC_API_KEY");
  });

  it("names what is accepted when the provider is unknown", () => {
    for (const value of ["gemini:pro", "ollama", "gpt-4o"]) {
      const error = failureOf(() => providerFromEnv({ COLONY_MODEL: value }));
      expect(error).toMatchObject({
        code: "llm_unknown_provider",
        retryable: false,
        details: { accepted: ["openai:MODEL", "anthropic:MODEL", "scripted"] },
      });
      expect((error as Error).message).toContain(`COLONY_MODEL=${value}: unknown provider`);
      expect((error as Error).message).toContain("openai:MODEL");
      expect((error as Error).message).toContain("OPENAI_BASE_URL");
    }
  });

  it("refuses a provider with no model after the colon, and a base URL that is not a URL", () => {
    const noModel = failureOf(() => providerFromEnv({ COLONY_MODEL: "openai:", OPENAI_API_KEY: "sk" }));
    expect(noModel).toBeInstanceOf(InvalidArgumentError);
    expect(noModel).toMatchObject({ code: "invalid_argument", details: { argument: "COLONY_MODEL" } });
    expect((noModel as Error).message).toContain('names no model after "openai:"');
    expect(failureOf(() => providerFromEnv({ COLONY_MODEL: "anthropic: ", ANTHROPIC_API_KEY: "k" }))).toMatchObject({
      code: "invalid_argument",
    });

    const badUrl = failureOf(() => providerFromEnv({ COLONY_MODEL: "openai:m", OPENAI_BASE_URL: "localhost:11434" }));
    expect(badUrl).toMatchObject({ code: "invalid_argument", details: { argument: "OPENAI_BASE_URL" } });
  });

  it("hands scripted to the caller's factory, with the name after the colon, and refuses it where there is none", () => {
    const made: (string | undefined)[] = [];
    const scripted = (name: string | undefined): LlmProvider => {
      made.push(name);
      return { name: `scripted${name ? `:${name}` : ""}`, complete: () => Promise.reject(new Error("not called")) };
    };

    expect(providerFromEnv({ COLONY_MODEL: "scripted" }, { scripted })?.name).toBe("scripted");
    expect(providerFromEnv({ COLONY_MODEL: "scripted:demo" }, { scripted })?.name).toBe("scripted:demo");
    expect(made).toEqual([undefined, "demo"]);

    const error = failureOf(() => providerFromEnv({ COLONY_MODEL: "scripted" }));
    expect(error).toMatchObject({ code: "llm_unknown_provider" });
    expect((error as Error).message).toContain("no script");
  });
});

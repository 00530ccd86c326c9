import { InvalidArgumentError } from "../../domain/errors.js";
import { type LlmProvider, LlmProviderError } from "../../domain/ports/llm-provider.js";
import { AnthropicProvider } from "./anthropic-provider.js";
import { OPENAI_API_URL, OpenAiProvider } from "./openai-provider.js";

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ProviderFromEnvOptions {
  /**
   * Builds the provider for `COLONY_MODEL=scripted` (or `scripted:NAME`): the script belongs to the
   * caller (the demo's story, a test's turns), so an entry point that has none leaves this out and
   * `scripted` is refused there.
   */
  readonly scripted?: (name: string | undefined) => LlmProvider;
}

const REAL_MODELS =
  "openai:MODEL (OpenAI, or an Ollama, vLLM or llama.cpp server named by OPENAI_BASE_URL) or anthropic:MODEL";
const ACCEPTED = `${REAL_MODELS}, or scripted`;

/**
 * The model named by `COLONY_MODEL` (DESIGN §7), with keys and base URLs from the variables each
 * vendor's own tools read: `OPENAI_API_KEY` / `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY` /
 * `ANTHROPIC_BASE_URL`. The model part is everything after the first colon, so Ollama tags work
 * (`openai:llama3.1:8b`).
 *
 * Returns undefined when `COLONY_MODEL` is unset or empty: no model is configured, and the caller
 * picks its default (the demo runs scripted) or refuses.
 */
export function providerFromEnv(
  env: Environment = process.env,
  options: ProviderFromEnvOptions = {},
): LlmProvider | undefined {
  const value = env.COLONY_MODEL?.trim();
  if (!value) return undefined;
  const colon = value.indexOf(":");
  const kind = (colon < 0 ? value : value.slice(0, colon)).trim().toLowerCase();
  const model = colon < 0 ? undefined : value.slice(colon + 1).trim();
  switch (kind) {
    case "scripted":
      if (!options.scripted) {
        throw new LlmProviderError(
          "llm_unknown_provider",
          `COLONY_MODEL=${value}: this entry point has no script for a scripted model; use ${REAL_MODELS}`,
          false,
          { provider: kind },
        );
      }
      return options.scripted(model || undefined);
    case "openai":
      return openAiFrom(env, modelOf(value, kind, model));
    case "anthropic":
      return anthropicFrom(env, modelOf(value, kind, model));
    default:
      throw new LlmProviderError(
        "llm_unknown_provider",
        `COLONY_MODEL=${value}: unknown provider ${JSON.stringify(kind)}; accepted: ${ACCEPTED}`,
        false,
        { provider: kind, accepted: ["openai:MODEL", "anthropic:MODEL", "scripted"] },
      );
  }
}

function modelOf(value: string, kind: string, model: string | undefined): string {
  if (!model) {
    throw new InvalidArgumentError("COLONY_MODEL", `${JSON.stringify(value)} names no model after "${kind}:"`);
  }
  return model;
}

function openAiFrom(env: Environment, model: string): OpenAiProvider {
  const apiKey = nonEmpty(env.OPENAI_API_KEY);
  const baseURL = urlOf(env, "OPENAI_BASE_URL");
  // A server of one's own (Ollama, llama.cpp, vLLM) usually wants no key; OpenAI's API always does.
  if (!apiKey && (baseURL === undefined || new URL(baseURL).hostname === new URL(OPENAI_API_URL).hostname)) {
    throw new LlmProviderError(
      "llm_missing_api_key",
      `COLONY_MODEL=openai:${model} needs an API key: set OPENAI_API_KEY (or OPENAI_BASE_URL to a local server such as Ollama, vLLM or llama.cpp, which needs none)`,
      false,
      { variable: "OPENAI_API_KEY" },
    );
  }
  return new OpenAiProvider({ model, ...(apiKey && { apiKey }), ...(baseURL && { baseURL }) });
}

function anthropicFrom(env: Environment, model: string): AnthropicProvider {
  const apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
  if (!apiKey) {
    throw new LlmProviderError(
      "llm_missing_api_key",
      `COLONY_MODEL=anthropic:${model} needs an API key: set ANTHROPIC_API_KEY`,
      false,
      { variable: "ANTHROPIC_API_KEY" },
    );
  }
  const baseURL = urlOf(env, "ANTHROPIC_BASE_URL");
  return new AnthropicProvider({ model, apiKey, ...(baseURL && { baseURL }) });
}

function urlOf(env: Environment, variable: string): string | undefined {
  const value = nonEmpty(env[variable]);
  // `localhost:11434` parses as a URL whose scheme is "localhost:"; only http and https reach a server.
  if (value !== undefined && !(URL.canParse(value) && /^https?:$/.test(new URL(value).protocol))) {
    throw new InvalidArgumentError(
      variable,
      `${JSON.stringify(value)} is not an http(s) URL (e.g. http://localhost:11434/v1)`,
    );
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

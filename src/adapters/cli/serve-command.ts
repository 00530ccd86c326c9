import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ColonyError } from "../../domain/errors.js";
import { buildApi } from "../http/api.js";
import { ColonyHost } from "../http/colony-host.js";
import { startColonyTimers } from "../http/colony-timers.js";
import { missingWebUiFiles } from "../http/web-ui/web-ui-assets.js";
import { providerFromEnv } from "../llm/provider-from-env.js";
import { describeLocation, parseStoreLocation } from "../store-location.js";
import { demoModel } from "./demo/demo-model.js";
import { type CliIo, say } from "./io.js";
import { dbOption, wholeNumber } from "./options.js";

interface ServeOptions {
  readonly db: string;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly files?: string;
  readonly bodyLimit: number;
}

export class InsecureBindError extends ColonyError<"insecure_bind"> {
  constructor(host: string) {
    super(
      "insecure_bind",
      `refusing to listen on ${host} without a token: anyone who reaches it could drive the colony (pass --token or COLONY_API_TOKEN, or bind 127.0.0.1)`,
      { host },
    );
  }
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "[::1]";
}

export function addServeCommand(program: Command, io: CliIo, version: string): void {
  program
    .command("serve")
    .description("the command API over HTTP: session commands, reads, webhooks, SSE, /openapi.json, the web UI at /")
    .addOption(dbOption())
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .option("--port <port>", "the port (0: any free one)", wholeNumber(0, 65_535, "ports"), 7070)
    .option("--token <token>", "require Authorization: Bearer <token> (default: COLONY_API_TOKEN)")
    .option("--files <dir>", "the folder the agents' file tools read (default: the working directory)")
    .option("--body-limit <bytes>", "largest request body", wholeNumber(1, 64 * 1024 * 1024, "bytes"), 1024 * 1024)
    .addHelpText(
      "after",
      `
Binding to anything but a loopback address needs a token. The agents run on COLONY_MODEL
(openai:MODEL, anthropic:MODEL, or scripted: the demo's scripted model); without it, the
routes that would call a model refuse.
Stops cleanly on Ctrl-C or SIGTERM.

The web UI (timeline, fork tree, conversations at any version, task board, workers) is at /;
with a token, the page asks for it.

Example:
  colony serve --db .colony/demo.db --port 7070 && curl http://127.0.0.1:7070/openapi.json
`,
    )
    .action(async (options: ServeOptions) => {
      const token = options.token ?? process.env.COLONY_API_TOKEN;
      if (!token && !isLoopback(options.host)) throw new InsecureBindError(options.host);
      const location = parseStoreLocation(options.db);
      const created = location.kind === "sqlite" && !existsSync(location.file);
      // COLONY_MODEL=scripted runs the demo's scripted model: the API end to end with no key.
      const model = providerFromEnv(process.env, { scripted: () => demoModel() });
      const host = await ColonyHost.open(location, {
        ...(model ? { model } : {}),
        filesRoot: resolve(options.files ?? "."),
      });
      const app = buildApi(host, { version, bodyLimit: options.bodyLimit, ...(token ? { token } : {}) });
      try {
        const address = await app.listen({ host: options.host, port: options.port });
        const timed = await startColonyTimers(host);
        const webUi = missingWebUiFiles().length === 0 ? `web UI at ${address}/` : "web UI not built: npm run build";
        say(
          io.stdout,
          `colony serve: listening on ${address} (${describeLocation(location)}${created ? ", new" : ""}; model ${model?.name ?? "none"}${token ? "; token required" : ""}${timed.length > 0 ? `; timers of ${timed.join(", ")} running` : ""}; ${webUi})`,
        );
        await new Promise<void>((stopped) => {
          if (io.signal?.aborted) return stopped();
          io.signal?.addEventListener("abort", () => stopped(), { once: true });
        });
        say(io.stdout, "colony serve: stopping");
      } finally {
        await app.close();
        await host.close();
      }
    });
}

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ColonyError } from "../../domain/errors.js";
import type { TaskHandler } from "../../runtime/worker-pool/task-handler.js";

export type HandlerErrorCode = "handler_not_found" | "invalid_handler";

export class HandlerModuleError extends ColonyError<HandlerErrorCode> {
  constructor(code: HandlerErrorCode, path: string, reason: string) {
    super(code, `--handler ${path}: ${reason}`, { path, reason });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/**
 * The default export of the ES module at `path` (resolved against `cwd`), checked to be a
 * function. Every way this can go wrong is a HandlerModuleError naming the path, raised before
 * the pool claims anything.
 */
export async function loadTaskHandler(path: string, cwd = process.cwd()): Promise<TaskHandler> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new HandlerModuleError("handler_not_found", path, `no such file (${file})`);
  if (statSync(file).isDirectory()) throw new HandlerModuleError("handler_not_found", path, "it is a directory");
  let loaded: { default?: unknown };
  try {
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HandlerModuleError("invalid_handler", path, `cannot load it as an ES module: ${reason}`);
  }
  const handler = loaded.default;
  if (typeof handler !== "function") {
    throw new HandlerModuleError(
      "invalid_handler",
      path,
      `its default export is ${describe(handler)}; expected a function (task, tools) => report`,
    );
  }
  return handler as TaskHandler;
}

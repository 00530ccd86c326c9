import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root, wherever CI cloned it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Resolves with the next stdout line (lines are queued, none is lost). */
  nextLine(): Promise<string>;
  /** Resolves when the child exits with code 0; rejects with its stderr otherwise. */
  readonly exited: Promise<void>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Runs a TypeScript file in its own Node process through tsx, as the CLI runs. */
export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.add(child);
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const queued: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  const gone = new Promise<number | NodeJS.Signals | null>((resolveExit) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolveExit(code ?? signal);
    });
  });
  const exited = new Promise<void>((resolvePromise, reject) => {
    child.on("error", reject);
    void gone.then((how) =>
      how === 0 ? resolvePromise() : reject(new Error(`${script} exited with ${how}\n${stderr}`)),
    );
  });
  // Keep an unexpected early exit from surfacing as an unhandled rejection before it is awaited.
  exited.catch(() => {});
  const nextLine = () => {
    const line = queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    return Promise.race([
      new Promise<string>((resolveLine) => waiting.push(resolveLine)),
      gone.then((how) => {
        throw new Error(`${script} exited (${how}) before printing the expected line\n${stderr}`);
      }),
    ]);
  };
  const kill = async () => {
    child.kill("SIGKILL");
    await gone;
  };
  return { process: child, nextLine, exited, kill };
}

/** For afterEach: no child outlives its test. */
export function killAllChildren(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

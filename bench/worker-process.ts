import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The CLI's sources, run through tsx as `npm run colony` does, so the figures are the checkout's code, not a stale build's. */
const CLI = resolve(repoRoot, "src/adapters/cli/main.ts");

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One `colony worker` process: its output so far, a wait for a line of it, and its exit. */
export class WorkerProcess {
  private stdout = "";
  private stderr = "";
  private readonly child: ChildProcess;
  readonly exited: Promise<WorkerExit>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, ["--import", "tsx", CLI, "worker", ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolveExit, reject) => {
      this.child.on("error", reject);
      this.child.on("close", (code, signal) => resolveExit({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once stdout matches `pattern`; rejects if the process ends first or `timeoutMs` passes. */
  async printed(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => {
      ended = true;
    });
    while (!pattern.test(this.stdout)) {
      if (ended || Date.now() > deadline) {
        throw new Error(
          `colony worker ${this.pid} ${ended ? "exited" : "timed out"} before printing ${pattern}:\n${this.stdout}${this.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Ends it (a bench that failed half-way leaves no worker behind). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

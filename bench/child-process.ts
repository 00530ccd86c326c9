import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Runs a TypeScript file of the bench in a fresh Node process (through tsx, as the bench itself
 * runs), so what it measures, peak RSS above all, is its own. Its stderr passes through; resolves
 * with its stdout once it exits with 0.
 */
export function runChild(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolveOutput, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(repoRoot, script), ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolveOutput(stdout);
      else reject(new Error(`${script} ${args.join(" ")} exited with ${code ?? signal}`));
    });
  });
}

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

/**
 * Starts a throwaway PostgreSQL cluster for the run when none is given and this machine has the
 * server binaries, so `npm test` runs the PostgreSQL suites wherever it can.
 */
export default function setup(): (() => void) | undefined {
  if (process.env.COLONY_TEST_POSTGRES_URL) return undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root) || !readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/initdb`))) return undefined;
  const exports = execFileSync("bash", [".ci/postgres", "start"], { encoding: "utf8" });
  const vars = Object.fromEntries(
    [...exports.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  process.env.COLONY_TEST_POSTGRES_URL = vars.COLONY_TEST_POSTGRES_URL;
  const dir = vars.COLONY_PG_DIR as string;
  return () => {
    execFileSync("bash", [".ci/postgres", "stop", dir]);
  };
}

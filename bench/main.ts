import { parseArgs } from "node:util";
import { jsonReport, tableReport } from "./report.js";
import type { BenchRow } from "./row.js";

/**
 * `npm run bench -- <suite> [--json]`. A suite is a module exporting `run(): Promise<BenchRow[]>`.
 * With --json, stdout carries exactly one JSON object; remarks go to stderr.
 */
const suites: Readonly<Record<string, () => Promise<{ run(): Promise<BenchRow[]> }>>> = {
  api: () => import("./api.js"),
  claims: () => import("./claims.js"),
  log: () => import("./log.js"),
  postgres: () => import("./postgres.js"),
  projections: () => import("./projections.js"),
};

const usage = `usage: npm run bench -- <suite> [--json]\nsuites: ${Object.keys(suites).join(", ")}`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs<{ options: { json: { type: "boolean" } }; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ options: { json: { type: "boolean" } }, allowPositionals: true });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) fail("no suite given");
  if (extra.length > 0) fail(`unexpected arguments: ${extra.join(" ")}`);
  const load = Object.hasOwn(suites, name) ? suites[name] : undefined;
  if (!load) fail(`unknown suite ${JSON.stringify(name)}`);

  const rows = await (await load()).run();
  process.stdout.write(`${parsed.values.json ? jsonReport(name, rows) : tableReport(name, rows)}\n`);
}

await main();

import { once } from "node:events";
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isLoopback } from "../../../src/adapters/cli/serve-command.js";
import { cli, output, seed, spawnColony, tempDir, until } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function serve(args: string[]) {
  const child = spawnColony(["serve", ...args, "--port", "0"]);
  const out = output(child);
  await until(
    () => /listening on (http:\/\/\S+)/.test(out.stdout()) || child.exitCode !== null,
    "the server to listen",
  );
  const url = out.stdout().match(/listening on (http:\/\/\S+)/)?.[1] as string;
  return { child, out, url };
}

describe("colony serve", () => {
  it("serves on a loopback port, asks for the token when given one, and stops cleanly on SIGTERM", async () => {
    const db = tmp.path("colony.db");
    await seed(db);
    const { child, out, url } = await serve(["--db", db, "--token", "s3cret"]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const refused = await fetch(`${url}/openapi.json`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const document = await fetch(`${url}/openapi.json`, { headers: { authorization: "Bearer s3cret" } });
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toBe("3.1.0");
    expect(document.headers.get("access-control-allow-origin")).toBeNull();
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(out.stdout()).toContain("colony serve: stopping");
  });

  it("refuses a non-loopback address without a token, before opening anything", async () => {
    const db = tmp.path("never.db");
    const run = await cli(["serve", "--db", db, "--host", "0.0.0.0"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("[insecure_bind]");
    expect(existsSync(db)).toBe(false);
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("127.8.0.3")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("localhost")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
    expect(isLoopback("10.0.0.1")).toBe(false);
    expect(isLoopback("::")).toBe(false);
  });
});

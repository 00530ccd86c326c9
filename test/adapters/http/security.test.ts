import type { OpenAPI3 } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import { apiHosts } from "./api-fixture.js";
import { fillPath, type Operation, operationsOf } from "./openapi-operations.js";

const hosts = apiHosts();
const TOKEN = "s3cret-token";
const auth = { Authorization: `Bearer ${TOKEN}` };

async function securedServer(bodyLimit?: number) {
  const { host } = await hosts.demo();
  const server = await hosts.listen(host, { token: TOKEN, ...(bodyLimit ? { bodyLimit } : {}) });
  const document = (await (await fetch(`${server.baseUrl}/openapi.json`, { headers: auth })).json()) as OpenAPI3;
  // Streams never end on their own; their auth is the same hook's, checked by their own tests.
  const operations = operationsOf(document).filter((o) => !o.streams);
  return { host, server, operations };
}

function send(baseUrl: string, operation: Operation, headers: Record<string, string>, body = "{}") {
  return fetch(`${baseUrl}${fillPath(operation.path, {})}`, {
    method: operation.method,
    headers: { ...headers, ...(operation.hasBody ? { "content-type": "application/json" } : {}) },
    ...(operation.hasBody ? { body } : {}),
  });
}

describe("the bearer token", () => {
  it("guards every operation of the document but /healthz and the signed webhooks", async () => {
    const { server, operations } = await securedServer();
    expect(operations.length).toBeGreaterThanOrEqual(10);
    const open = operations.filter((o) => !o.secured).map((o) => o.path);
    expect(open).toContain("/healthz");
    expect(open.every((path) => path === "/healthz" || path.startsWith("/webhooks/"))).toBe(true);

    for (const operation of operations.filter((o) => o.secured)) {
      const where = `${operation.method} ${operation.path}`;
      const wrong: Record<string, string>[] = [
        {},
        { Authorization: "Bearer wrong-token" },
        { Authorization: `Bearer ${TOKEN}x` },
        { Authorization: TOKEN },
        { Authorization: `bearer ${TOKEN}` },
        { Authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}` },
      ];
      for (const headers of wrong) {
        const refused = await send(server.baseUrl, operation, headers);
        expect(refused.status, `${where} ${JSON.stringify(headers)}`).toBe(401);
        expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
      }
      const allowed = await send(server.baseUrl, operation, auth);
      expect(allowed.status, where).not.toBe(401);
    }
    expect((await fetch(`${server.baseUrl}/openapi.json`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe("the body limit", () => {
  it("answers 413 past the limit, on public and guarded routes alike, appending nothing", async () => {
    const { host, server, operations } = await securedServer(1024);
    const before = await host.db.events.headPosition();
    const big = JSON.stringify({ text: "x".repeat(2048) });
    const withBodies = operations.filter((o) => o.hasBody);
    expect(withBodies.some((o) => !o.secured)).toBe(true);
    for (const operation of withBodies) {
      const response = await send(server.baseUrl, operation, auth, big);
      expect(response.status, `${operation.method} ${operation.path}`).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(await host.db.events.headPosition()).toBe(before);
  });

  it("is 1 MiB by default", async () => {
    const { server } = await securedServer();
    const webhook = `${server.baseUrl}/webhooks/texts/none`;
    const at = (bytes: number) =>
      fetch(webhook, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify("x".repeat(bytes - 2)),
      });
    expect((await at(1024 * 1024 + 1)).status).toBe(413);
    // Within the limit the request gets as far as the route, which knows no such webhook.
    expect((await at(1024 * 1024)).status).toBe(404);
  });
});

describe("CORS", () => {
  it("is off: no response, preflight or not, carries an Access-Control header", async () => {
    const { server, operations } = await securedServer();
    const origin = { Origin: "https://elsewhere.example" };
    for (const operation of operations) {
      const responses = [
        await send(server.baseUrl, operation, { ...auth, ...origin }),
        await fetch(`${server.baseUrl}${fillPath(operation.path, {})}`, {
          method: "OPTIONS",
          headers: { ...origin, "Access-Control-Request-Method": operation.method },
        }),
      ];
      for (const response of responses) {
        const headers = [...response.headers.keys()];
        expect(
          headers.filter((h) => h.startsWith("access-control-")),
          operation.path,
        ).toEqual([]);
      }
    }
  });
});

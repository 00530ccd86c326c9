import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WEB_UI_ASSETS } from "../../../../src/adapters/http/web-ui/web-ui-assets.js";
import { apiHosts } from "../api-fixture.js";

const hosts = apiHosts();

/** A GET with the path exactly as given: fetch would resolve `..` and `%2e` before sending. */
function rawGet(
  baseUrl: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A bundle folder with a file of each asset, and a secret beside it that must never be served. */
async function served(options: { token?: string; built?: boolean } = {}) {
  const { host, dir } = await hosts.empty();
  const webUiDir = join(dir, "web-ui");
  mkdirSync(webUiDir);
  if (options.built !== false) {
    for (const asset of WEB_UI_ASSETS) writeFileSync(join(webUiDir, asset.file), `contents of ${asset.file}`);
  }
  writeFileSync(join(dir, "secret.txt"), "hidden bytes 1f3a");
  writeFileSync(join(webUiDir, "extra.txt"), "not an asset");
  const { baseUrl } = await hosts.listen(host, { webUiDir, ...(options.token ? { token: options.token } : {}) });
  return baseUrl;
}

describe("the web UI's files", () => {
  it("serves each asset at its URL with its content type, the page's security headers and no CORS", async () => {
    const baseUrl = await served();
    for (const asset of WEB_UI_ASSETS) {
      const answer = await fetch(`${baseUrl}${asset.url}`);
      expect(answer.status, asset.url).toBe(200);
      expect(answer.headers.get("content-type")).toBe(asset.contentType);
      expect(await answer.text()).toBe(`contents of ${asset.file}`);
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(answer.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect(WEB_UI_ASSETS.map((a) => a.contentType.split(";")[0])).toEqual([
      "text/html",
      "text/javascript",
      "application/json",
      "text/css",
      "application/json",
    ]);
  });

  it("answers nothing but the listed URLs: no directory, no other file of the folder, no way out of it", async () => {
    const baseUrl = await served();
    for (const path of [
      "/ui/",
      "/ui",
      "/index.html",
      "/ui/index.html",
      "/ui/extra.txt",
      "/extra.txt",
      "/secret.txt",
      "/ui/../secret.txt",
      "/ui/%2e%2e/secret.txt",
      "/ui/..%2fsecret.txt",
      "/ui/%2e%2e%2f%2e%2e%2fpackage.json",
      "/..%2f..%2fpackage.json",
      "/ui/app.js/../../secret.txt",
      "/ui//app.js",
      "/ui/APP.JS",
      "/ui/app.js%00.txt",
    ]) {
      const answer = await rawGet(baseUrl, path);
      expect(answer.body, path).not.toContain("hidden bytes");
      expect(answer.body, path).not.toContain("not an asset");
      expect(answer.body, path).not.toContain("contents of");
      expect([400, 404], path).toContain(answer.status);
    }
  });

  it("is public when the API has a token: the page asks for the token, the data routes still refuse without it", async () => {
    const baseUrl = await served({ token: "s3cret" });
    expect((await fetch(`${baseUrl}/`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/ui/app.js`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/api/conversations`)).status).toBe(401);
    const events = await fetch(`${baseUrl}/api/events`);
    expect(events.status).toBe(401);
    await events.body?.cancel();
  });

  it("answers 503 naming the build when the bundle is missing", async () => {
    const baseUrl = await served({ built: false });
    const answer = await fetch(`${baseUrl}/`);
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("web_ui_not_built");
    expect(body.error.message).toContain("npm run build");
  });
});

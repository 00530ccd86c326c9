import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../api-error.js";
import { WEB_UI_ASSETS, WEB_UI_DIR } from "./web-ui-assets.js";

/**
 * The page may load its own script and style and talk to its own origin, nothing else: no inline
 * script, no other origin, no framing. The UI writes data into the page as text only.
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // Rebuilt in place by `npm run build`: always asked again, never a stale bundle.
  "cache-control": "no-cache",
};

/**
 * The web UI (DESIGN §8): the built files of WEB_UI_ASSETS, each on its own exact route, public
 * (the page holds no data; it asks for the token when the API wants one and sends it as a bearer
 * header itself). Files are read per request, so a rebuild is served without a restart; a
 * missing bundle answers 503 saying how to build it (`colony serve` says so when it starts).
 */
export function webUiRoutes(dir: string = WEB_UI_DIR): (app: FastifyInstance) => void {
  return (app) => {
    for (const asset of WEB_UI_ASSETS) {
      app.get(asset.url, { config: { public: true } }, async (_request, reply) => {
        let body: Buffer;
        try {
          body = await readFile(join(dir, asset.file));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
          // Answered here rather than thrown: a bundle not built yet is no server fault to log.
          const missing = new ApiError(
            503,
            "web_ui_not_built",
            `the web UI is not built (${asset.file} is missing from ${dir}): run npm run build`,
            { file: asset.file },
          );
          return reply.code(missing.status).send(missing.body);
        }
        return reply.code(200).headers(SECURITY_HEADERS).type(asset.contentType).send(body);
      });
    }
  };
}

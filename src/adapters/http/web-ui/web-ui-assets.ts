import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One file of the built web UI: the URL it is served at and the content type it is served with. */
export interface WebUiAsset {
  readonly url: string;
  /** Its name in the bundle folder. */
  readonly file: string;
  readonly contentType: string;
}

/**
 * Every file the web UI is, by the exact URL it is served at. The server answers these URLs and
 * no others, so nothing a client sends ever becomes part of a file path; the build writes these
 * files and no others.
 */
export const WEB_UI_ASSETS: readonly WebUiAsset[] = [
  { url: "/", file: "index.html", contentType: "text/html; charset=utf-8" },
  { url: "/ui/app.js", file: "app.js", contentType: "text/javascript; charset=utf-8" },
  { url: "/ui/app.js.map", file: "app.js.map", contentType: "application/json; charset=utf-8" },
  { url: "/ui/app.css", file: "app.css", contentType: "text/css; charset=utf-8" },
  { url: "/ui/app.css.map", file: "app.css.map", contentType: "application/json; charset=utf-8" },
];

/**
 * Where `npm run build` writes the bundle: `dist/web-ui/` at the repository root. This module sits
 * four folders below the root both as source (src/adapters/http/web-ui/) and compiled
 * (dist/adapters/http/web-ui/), so the same relative URL finds it from either.
 */
export const WEB_UI_DIR = fileURLToPath(new URL("../../../../dist/web-ui/", import.meta.url));

/** The assets not in `dir` (all there: the web UI is built). */
export function missingWebUiFiles(dir: string = WEB_UI_DIR): string[] {
  return WEB_UI_ASSETS.filter((asset) => !existsSync(join(dir, asset.file))).map((asset) => asset.file);
}

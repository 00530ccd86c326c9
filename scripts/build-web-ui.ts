import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { WEB_UI_ASSETS, WEB_UI_DIR } from "../src/adapters/http/web-ui/web-ui-assets.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const SOURCE = join(ROOT, "src/adapters/web-ui");

/**
 * Bundles the web UI (plain TypeScript and CSS, no framework) with esbuild into `outDir`: exactly
 * the files WEB_UI_ASSETS lists, which are the only ones the server answers for. Run by
 * `npm run build` (and so by `npm ci`'s prepare) and by the browser tests before they start.
 */
export async function buildWebUi(outDir: string = WEB_UI_DIR): Promise<string[]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: join(SOURCE, "main.ts"), out: "app" },
      { in: join(SOURCE, "styles.css"), out: "app" },
    ],
    outdir: outDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    sourcemap: "linked",
    write: false,
    logLevel: "silent",
  });
  const expected = new Set(WEB_UI_ASSETS.map((asset) => asset.file));
  const written = [...result.outputFiles.map((file) => basename(file.path)), "index.html"];
  const unlisted = written.filter((file) => !expected.has(file));
  const missing = [...expected].filter((file) => !written.includes(file));
  if (unlisted.length > 0 || missing.length > 0) {
    throw new Error(
      `the web UI build and WEB_UI_ASSETS disagree: built but not served ${JSON.stringify(unlisted)}, served but not built ${JSON.stringify(missing)}`,
    );
  }
  await mkdir(outDir, { recursive: true });
  for (const file of result.outputFiles) await writeFile(file.path, file.contents);
  await copyFile(join(SOURCE, "index.html"), join(outDir, "index.html"));
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildWebUi();
  console.log(`web UI: ${files.join(", ")} in ${relative(ROOT, WEB_UI_DIR)}`);
}

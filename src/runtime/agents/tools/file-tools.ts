import { createHash } from "node:crypto";
import { readdir, readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { z } from "zod";
import { defineTool, jsonResult, type Tool } from "../tool.js";

// Module-level, so each tool's JSON schema is converted once however many agents are built.
const ListFilesInput = z.strictObject({});
const ReadFileInput = z.strictObject({ path: z.string().min(1) });
const WordStatsInput = z.strictObject({ path: z.string().min(1), top: z.number().int().min(1).max(50).optional() });

/** Files an agent may read, below one folder: a path that leads out of it is refused. */
async function inside(root: string, path: string): Promise<string> {
  const base = await realpath(root);
  const full = await realpath(isAbsolute(path) ? path : join(base, path)).catch(() => {
    throw new Error(`no file ${path} under ${root}`);
  });
  const rel = relative(base, full);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new Error(`${path} is outside ${root}`);
  return full;
}

/** Word statistics of a text: what the demo's workers compute over the files they are given. */
export function wordStats(text: string, top = 5) {
  const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    words: words.length,
    distinct: counts.size,
    characters: text.length,
    lines: text.length === 0 ? 0 : text.split("\n").length,
    top: ranked.slice(0, top).map(([word, count]) => ({ word, count })),
    sha256: createHash("sha256").update(text).digest("hex"),
  };
}

/** list_files, read_file and word_stats over the files below `root`. */
export function fileTools(root: string): Tool[] {
  return [
    defineTool({
      name: "list_files",
      description: "List the text files of the shared folder (names relative to it).",
      input: ListFilesInput,
      run: async () => {
        const names = (await readdir(await realpath(root), { withFileTypes: true }))
          .filter((entry) => entry.isFile() && entry.name.endsWith(".txt"))
          .map((entry) => entry.name)
          .sort();
        return jsonResult({ files: names });
      },
    }),
    defineTool({
      name: "read_file",
      description: "Read a text file (a path relative to the shared folder).",
      input: ReadFileInput,
      run: async ({ path }) => ({ content: await readFile(await inside(root, path), "utf8") }),
    }),
    defineTool({
      name: "word_stats",
      description: "Count the words of a file: total, distinct, lines, the most frequent, and a sha256.",
      input: WordStatsInput,
      run: async ({ path, top }) =>
        jsonResult({ path, ...wordStats(await readFile(await inside(root, path), "utf8"), top) }),
    }),
  ];
}

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A part as the original runtime stores it: one JSON object per file. */
export type PartFile = Readonly<Record<string, unknown>> & { readonly seq: number };

const partName = (seq: number) => `${String(seq).padStart(10, "0")}.json`;

/**
 * The original runtime's conversation layout (reference/colony_runtime.py.txt): a directory
 * with `meta.json` and `parts/{seq:010d}.json`, one file per message part, written with
 * synchronous file calls as its `asyncio.to_thread` helpers do (no fsync, like the original).
 */
export function createConversationDir(dir: string, meta: Readonly<Record<string, unknown>>): void {
  mkdirSync(join(dir, "parts"), { recursive: true });
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta), "utf8");
}

export function appendPartFile(dir: string, part: PartFile): void {
  writeFileSync(join(dir, "parts", partName(part.seq)), JSON.stringify(part), "utf8");
}

/**
 * The original fork (`_fork_parent_conversation`): make the new directory, then for every part
 * file of the parent, in name order, read it, parse it and write it again into the child; the
 * same for meta.json. Returns how many parts were copied.
 */
export function forkByCopy(from: string, to: string): number {
  const parts = join(to, "parts");
  mkdirSync(parts, { recursive: true });
  let copied = 0;
  for (const name of readdirSync(join(from, "parts")).sort()) {
    const data = JSON.parse(readFileSync(join(from, "parts", name), "utf8")) as unknown;
    writeFileSync(join(parts, name), JSON.stringify(data), "utf8");
    copied++;
  }
  const meta = JSON.parse(readFileSync(join(from, "meta.json"), "utf8")) as unknown;
  writeFileSync(join(to, "meta.json"), JSON.stringify(meta), "utf8");
  return copied;
}

/** Restoring a conversation the original way: list the part files, read and parse each, in seq order. */
export function readConversationDir(dir: string): PartFile[] {
  return readdirSync(join(dir, "parts"))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, "parts", name), "utf8")) as PartFile);
}

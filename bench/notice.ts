/** Remarks about a run (skipped peers, settings): on stderr, so `--json` keeps stdout to one object. */
export function notice(message: string): void {
  process.stderr.write(`note: ${message}\n`);
}

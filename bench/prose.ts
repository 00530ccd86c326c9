const WORDS = (
  "the queen read the request and split it into tasks first a worker checks the repository layout then " +
  "it runs the failing test to see the error message and finally it proposes a patch with a short " +
  "explanation of why the change is safe which callers it affects and how the public api stays stable " +
  "while another worker collects three papers on ant colonies and cites every source it used"
).split(" ");

/**
 * Deterministic English-like text of exactly `length` characters (ASCII, so as many UTF-8 bytes):
 * the same `seed` always gives the same text, neighbouring seeds differ.
 */
export function prose(seed: number, length: number): string {
  let text = "";
  let state = (seed * 7919 + 1) % 2147483648;
  while (text.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += `${WORDS[(state >>> 8) % WORDS.length]} `;
  }
  return text.slice(0, length);
}

/** A pool of texts to draw from, so generating a million events does not build a million strings. */
export function prosePool(size: number, length: number): (index: number) => string {
  const pool = Array.from({ length: size }, (_, seed) => prose(seed, length));
  return (index) => pool[index % size] as string;
}

// The bundled handler of `colony worker` (the one it runs without --handler), and an example
// to copy: plain JavaScript, so it loads the same under `npm run colony` (tsx) and the built bin.
//
// Payload: { "text": "...", "top"?: 5, "sha256"?: "<hex>" }. The task's steps are named for what
// they do ("count words", "top words", "checksum"); each is started, done, and completed with its
// result as evidence. SOP items it can verify ("has_words", "counts_add_up", "checksum_matches")
// are ticked with a note. The report's data holds the numbers.
import { createHash } from "node:crypto";

/** Left out of the top words, which would otherwise always be "the, and, of". */
const STOP_WORDS = new Set(
  "a all an and are as at be been but by for from had has have he her his i in into is it its me my not of on or our she so that the their them they this to us was we were which with you".split(
    " ",
  ),
);

/** Every figure the steps and checks report, computed once: a step redone after a crash agrees with the first try. */
function analyse(text, top) {
  const words =
    text
      .normalize("NFC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
  const counts = new Map();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  const ranked = [...counts]
    .filter(([word]) => !STOP_WORDS.has(word))
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1))
    .slice(0, top)
    .map(([word, count]) => ({ word, count }));
  return {
    words: words.length,
    distinct: counts.size,
    characters: [...text].length,
    counted: [...counts.values()].reduce((sum, n) => sum + n, 0),
    top: ranked,
    sha256: createHash("sha256").update(text, "utf8").digest("hex"),
  };
}

const STEPS = {
  "count words": (a) => `${a.words} words, ${a.distinct} distinct, ${a.characters} characters`,
  "top words": (a) =>
    a.top.length === 0 ? "no words beyond stop words" : a.top.map((w) => `${w.word} ${w.count}`).join(", "),
  checksum: (a) => `sha256 ${a.sha256}`,
};

/** Each returns the note to tick the item with, or { failed: why }. */
const CHECKS = {
  has_words: (a) => (a.words > 0 ? `${a.words} words` : { failed: "the text has no words" }),
  counts_add_up: (a) =>
    a.counted === a.words
      ? `${a.distinct} counts sum to ${a.words}`
      : { failed: `counts sum to ${a.counted}, not ${a.words}` },
  checksum_matches: (a, payload) => {
    if (typeof payload.sha256 !== "string") return { failed: "the payload gives no sha256 to compare with" };
    return payload.sha256.toLowerCase() === a.sha256
      ? "sha256 matches"
      : { failed: `sha256 is ${a.sha256}, not ${payload.sha256}` };
  },
};

function failed(summary) {
  return { status: "failed", summary };
}

export default async function wordCount(task, tools) {
  const payload = task.payload;
  if (typeof payload?.text !== "string") {
    return failed(
      `payload.text: expected a string, got ${payload === null ? "no payload" : JSON.stringify(payload).slice(0, 80)}`,
    );
  }
  const top = payload.top ?? 5;
  if (!Number.isInteger(top) || top < 1 || top > 100)
    return failed(`payload.top: expected a whole number from 1 to 100, got ${JSON.stringify(top)}`);

  // Every step must be one this handler knows, before any is started.
  const steps = [...task.steps].sort((a, b) => a.seq - b.seq);
  const unknown = steps.find((s) => STEPS[s.title.trim().toLowerCase()] === undefined);
  if (unknown) {
    return failed(`step ${unknown.seq} "${unknown.title}": no such action (known: ${Object.keys(STEPS).join(", ")})`);
  }

  const analysis = analyse(payload.text, top);
  for (const step of steps) {
    // Completed under an earlier claim (the pool was stopped or killed): recorded already.
    if (step.status === "done") continue;
    // Refused once the pool is stopping, which ends this run; the task is released, not failed.
    await tools.startStep(step.seq);
    await tools.completeStep(step.seq, STEPS[step.title.trim().toLowerCase()](analysis));
  }

  for (const item of task.sopItems) {
    if (item.checked) continue;
    const check = CHECKS[item.key];
    const note = check
      ? check(analysis, payload)
      : { failed: `this handler has no check for it (known: ${Object.keys(CHECKS).join(", ")})` };
    if (typeof note === "string") await tools.checkSop(item.key, note);
    else if (item.required) return failed(`SOP item ${item.key}: ${note.failed}`);
  }

  const { counted: _, ...data } = analysis;
  const topWords = analysis.top.map((w) => w.word).join(", ");
  return {
    status: "success",
    summary: `${analysis.words} words, ${analysis.distinct} distinct${topWords ? `; top: ${topWords}` : ""}`,
    data,
  };
}

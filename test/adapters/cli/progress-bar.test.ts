import { describe, expect, it } from "vitest";
import { formatDuration, progressDisplay } from "../../../src/adapters/cli/progress-bar.js";
import { Capture } from "./helpers.js";

function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("progress display", () => {
  it("on a terminal, redraws one line in place at most every 100 ms, with rate and ETA", () => {
    const out = new Capture();
    const time = clock();
    const display = progressDisplay(out, { label: "rebuild workers", tty: true, columns: 100, now: time.now });
    // 1000 updates 1 ms apart: one second, so about ten frames.
    for (let i = 1; i <= 1000; i++) {
      time.advance(1);
      display.update({ events: i * 10, done: i * 10, total: 20_000 });
    }
    const frames = out.text.split("\r\x1b[2K").slice(1);
    expect(frames).toHaveLength(10);
    expect(frames[0]).toBe(`rebuild workers [${"-".repeat(28)}]   0% 10/20,000 events 10,000 ev/s ETA 2s`);
    expect(frames.at(-1)).toMatch(/\[#{13}-{15}\] {2}45% 9,010\/20,000 events 10,000 ev\/s ETA 1s$/);
    expect(display.finish()).toEqual({ events: 10_000, seconds: 1 });
    expect(out.text.endsWith("\n")).toBe(true);
    expect(out.text.split("\n")).toHaveLength(2);
  });

  it("elsewhere, prints a line at every 10% and at least every 2 s", () => {
    const out = new Capture();
    const time = clock();
    const display = progressDisplay(out, { label: "rebuild", tty: false, now: time.now });
    for (let done = 100; done <= 1000; done += 100) {
      time.advance(10);
      display.update({ events: done, done, total: 1000 });
    }
    expect(out.text.trimEnd().split("\n")).toHaveLength(10);
    expect(out.text).toContain("rebuild: 1,000/1,000 events (100%), 10,000 events/s, ETA <1s\n");

    const slow = new Capture();
    const slowDisplay = progressDisplay(slow, { label: "rebuild", tty: false, now: time.now });
    for (let s = 1; s <= 10; s++) {
      time.advance(1000);
      slowDisplay.update({ events: s, done: s, total: 1000 });
    }
    // 10 s, under 10% done: a line every 2 s; finish adds the last state.
    expect(slow.text.trimEnd().split("\n")).toHaveLength(5);
    expect(slow.text).toContain("rebuild: 10/1,000 events (1%), 1 events/s, ETA 16m 30s\n");
    slowDisplay.finish();
    expect(slow.text.trimEnd().split("\n")).toHaveLength(6);
  });

  it("formats durations for people", () => {
    expect([0.2, 5, 65, 3700, Number.POSITIVE_INFINITY].map(formatDuration)).toEqual([
      "<1s",
      "5s",
      "1m 05s",
      "1h 01m",
      "?",
    ]);
  });
});

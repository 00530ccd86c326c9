import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebUi } from "../../../../scripts/build-web-ui.js";
import type { ConversationBody } from "../../../../src/adapters/http/reads/conversation-at.js";
import type { ConversationSummaryBody } from "../../../../src/adapters/http/reads/conversation-list.js";
import type { EventBody } from "../../../../src/adapters/http/reads/event-body.js";
import type { TaskBody } from "../../../../src/adapters/http/reads/ledger-reads.js";
import type { WorkerBody } from "../../../../src/adapters/http/reads/worker-reads.js";
import { cli, output, repoRoot, spawnColony, tempDir, until } from "../../cli/helpers.js";

/**
 * The web UI in a real browser (Debian's chromium, driven by playwright-core) against a real
 * `colony serve` child process with a token, on a log the demo wrote. The tests run in order on
 * one page, as a person would: the token, the timeline and its filters, the workers, a worker's
 * conversation through the version slider, the fork tree, the task board, then new events
 * arriving live. Each view is written as a screenshot under test-output/. What the page shows is
 * compared with what the API answers, never with numbers written here.
 */

const CHROMIUM = "/usr/bin/chromium";
const skipReason = `no chromium at ${CHROMIUM} (apt-get install chromium)`;
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.COLONY_REQUIRE_BROWSER === "1") {
  throw new Error(`COLONY_REQUIRE_BROWSER=1 but ${skipReason}`);
}
const suite = hasBrowser ? describe : describe.skip;

const TOKEN = "ui-test-token";
const SHOTS = join(repoRoot, "test-output");
// Chromium starts slowly on two busy cores: waits are generous, and nothing here is timed.
const WAIT_MS = 60_000;

let tmp: ReturnType<typeof tempDir>;
let server: ChildProcess | undefined;
let context: BrowserContext | undefined;
let profileDir: string | undefined;
let page: Page;
let baseUrl: string;
const pageErrors: string[] = [];

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.body ? { "content-type": "application/json" } : {}) },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The whole log, through the API's own paging. */
async function wholeLog(): Promise<EventBody[]> {
  const events: EventBody[] = [];
  let from: number | null = 1;
  while (from !== null) {
    const page: { events: EventBody[]; next_from: number | null } = await api(`/api/log?from=${from}&limit=1000`);
    events.push(...page.events);
    from = page.next_from;
  }
  return events;
}

const categoryOf = (streamId: string) => streamId.slice(0, streamId.indexOf("-"));

async function shoot(name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `ui-${name}.png`), fullPage });
}

async function openTab(name: string): Promise<void> {
  await page.click(`nav a[data-tab="${name}"]`);
  await page.locator(`section[data-view="${name}"]`).waitFor({ state: "visible" });
}

async function timelineCount(): Promise<string> {
  return (await page.locator('[data-testid="timeline-count"]').textContent()) ?? "";
}

/** Waits until the timeline has caught up with `count` events of the current filter. */
async function timelineShows(count: number): Promise<void> {
  await expect.poll(timelineCount, { timeout: WAIT_MS }).toBe(`${count} events`);
}

/** One attribute of each element the selector matches, in page order. */
const attributes = (selector: string, name: string) =>
  page.locator(selector).evaluateAll((all, attribute) => all.map((e) => e.getAttribute(attribute) ?? ""), name);

const rowAttribute = (name: string) => attributes('[data-testid="timeline-events"] > details', `data-${name}`);

suite(hasBrowser ? "the web UI in chromium" : `the web UI in chromium (skipped: ${skipReason})`, () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The bundle `colony serve` serves, built from the sources as they are now.
    await buildWebUi();
    tmp = tempDir();
    const db = tmp.path("demo.db");
    const demo = await cli(["demo", "--db", db]);
    expect(demo.code, demo.stderr).toBe(0);

    const child = spawnColony(["serve", "--db", db, "--port", "0", "--token", TOKEN]);
    server = child;
    const out = output(child);
    await until(
      () => /listening on (http:\/\/\S+)/.test(out.stdout()) || child.exitCode !== null,
      "colony serve to listen",
      WAIT_MS,
    );
    expect(child.exitCode, out.stderr()).toBeNull();
    expect(out.stdout()).toContain("web UI at");
    const address = out.stdout().match(/listening on (http:\/\/\S+)/)?.[1];
    if (!address) throw new Error(`colony serve printed no address: ${out.stdout()}`);
    baseUrl = address.replace("localhost", "127.0.0.1");

    profileDir = mkdtempSync(join(tmpdir(), "colonylog-chromium-"));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1400, height: 900 },
      timeout: WAIT_MS,
    });
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
    tmp?.remove();
  }, 60_000);

  it("asks for the token (again when it is wrong), then opens the timeline with the whole log", async () => {
    await page.goto(`${baseUrl}/`);
    const form = page.locator('[data-testid="token-form"]');
    await form.locator("input").fill("not-the-token");
    await form.locator("button").click();
    await expect.poll(() => form.textContent(), { timeout: WAIT_MS }).toContain("refused");
    await form.locator("input").fill(TOKEN);
    await form.locator("button").click();

    const log = await wholeLog();
    await timelineShows(log.length);
    const positions = (await rowAttribute("position")).map(Number);
    // Newest first, every event of the log once.
    expect(positions).toEqual(log.map((e) => e.position).reverse());
    await expect.poll(() => page.locator('[data-testid="live-state"]').getAttribute("data-state")).toBe("live");
    await shoot("timeline");
  });

  it("filters the timeline by category, by type and by stream", async () => {
    const log = await wholeLog();
    await page.selectOption('select[name="category"]', "task");
    const tasks = log.filter((e) => categoryOf(e.stream_id) === "task");
    await timelineShows(tasks.length);
    expect(new Set(await rowAttribute("category"))).toEqual(new Set(["task"]));

    await page.selectOption('select[name="type"]', "TaskCompleted");
    const completed = tasks.filter((e) => e.type === "TaskCompleted");
    expect(completed.length).toBeGreaterThan(0);
    await timelineShows(completed.length);
    expect(new Set(await rowAttribute("type"))).toEqual(new Set(["TaskCompleted"]));
    await shoot("timeline-filtered");

    await page.click("text=clear filters");
    await timelineShows(log.length);
    const stream = log.find((e) => e.type === "WorkerReported")?.stream_id as string;
    await page.selectOption('select[name="stream"]', stream);
    await timelineShows(log.filter((e) => e.stream_id === stream).length);
    expect(new Set(await rowAttribute("stream"))).toEqual(new Set([stream]));
    await page.click("text=clear filters");
    await timelineShows(log.length);
  });

  it("shows every worker with its status", async () => {
    const { colonies } = await api<{ colonies: { id: string }[] }>("/api/colonies");
    const workers = (
      await Promise.all(colonies.map((c) => api<{ workers: WorkerBody[] }>(`/api/colonies/${c.id}/workers`)))
    ).flatMap((r) => r.workers);
    await openTab("workers");
    const cards = page.locator("[data-worker]");
    await expect.poll(() => cards.count()).toBe(workers.length);
    expect(await attributes("[data-worker]", "data-worker")).toEqual(workers.map((w) => w.id));
    expect(await attributes("[data-worker]", "data-status")).toEqual(workers.map((w) => w.status));
    await shoot("workers");
  });

  it("opens a worker's conversation and moves through its versions with the slider", async () => {
    const { colonies } = await api<{ colonies: { id: string }[] }>("/api/colonies");
    const [worker] = (await api<{ workers: WorkerBody[] }>(`/api/colonies/${colonies[0]?.id}/workers`)).workers;
    if (!worker) throw new Error("the demo has no worker");
    await page.click(`[data-worker="${worker.id}"] .conversation-link`);
    const view = page.locator('section[data-view="conversation"]');
    await view.waitFor({ state: "visible" });
    expect(await view.getAttribute("data-conversation")).toBe(worker.conversation_id);

    const read = (version: number) =>
      api<ConversationBody>(`/api/conversations/${worker.conversation_id}?history=true&version=${version}`);
    const last = (await read(0)).last_version;
    const shownAt = async (version: number) => {
      const state = async () => [await view.getAttribute("data-version"), await view.getAttribute("data-loading")];
      await expect.poll(state, { timeout: WAIT_MS }).toEqual([String(version), "false"]);
      return page
        .locator('[data-testid="parts"] article.part')
        .evaluateAll((parts) =>
          parts.map((p) => [
            Number(p.getAttribute("data-seq")),
            p.getAttribute("data-inherited"),
            p.getAttribute("data-compacted"),
          ]),
        );
    };
    const expected = (c: ConversationBody) => c.parts.map((p) => [p.seq, String(p.inherited), String(p.compacted)]);
    const boundary = page.locator('[data-testid="compaction-boundary"]');

    // Opened at its last version.
    const atLast = await shownAt(last);
    expect(atLast).toEqual(expected(await read(last)));

    // Home: the fork marker alone, every part visible then is its parents'.
    const slider = page.locator('[data-testid="version-slider"]');
    await slider.focus();
    await page.keyboard.press("Home");
    const atStart = await shownAt(0);
    const start = await read(0);
    expect(atStart).toEqual(expected(start));
    expect(atStart.length).toBeGreaterThan(0);
    expect(atStart.every(([, inherited]) => inherited === "true")).toBe(true);
    expect(atStart.length).toBeLessThan(atLast.length);
    expect(start.compaction).not.toBeNull();
    await boundary.waitFor({ state: "visible" });
    expect(await boundary.getAttribute("data-through")).toBe(String(start.compaction?.through_seq));
    expect(await page.locator('[data-inherited="true"] .badge.inherited').count()).toBe(atStart.length);

    // A few steps on: its own parts follow the inherited ones.
    for (let step = 0; step < 6; step++) await page.keyboard.press("ArrowRight");
    const atSix = await shownAt(6);
    expect(atSix).toEqual(expected(await read(6)));
    expect(atSix.some(([, inherited]) => inherited === "false")).toBe(true);
    expect(atSix.some(([, inherited]) => inherited === "true")).toBe(true);
    expect(atSix.length).toBeGreaterThan(atStart.length);
    await boundary.waitFor({ state: "visible" });
    expect(page.url()).toContain("version=6");
    await shoot("conversation", true);
  });

  it("shows the fork tree: every conversation under the one it was forked from", async () => {
    const { conversations } = await api<{ conversations: ConversationSummaryBody[] }>("/api/conversations");
    await openTab("tree");
    const nodes = page.locator('[data-testid="fork-tree"] .node');
    await expect.poll(() => nodes.count()).toBe(conversations.length);
    // Each node's parent is the node of the list item that holds its own.
    const parents = await nodes.evaluateAll((all) =>
      all.map((node) => {
        const holder = node.parentElement?.parentElement?.closest("li");
        const parentNode = holder?.querySelector(":scope > .node");
        return [node.getAttribute("data-conversation"), parentNode?.getAttribute("data-conversation") ?? null];
      }),
    );
    expect(new Map(parents as [string, string | null][])).toEqual(
      new Map(conversations.map((c) => [c.conversation_id, c.parent_id])),
    );
    expect(Math.max(...conversations.map((c) => c.depth))).toBeGreaterThanOrEqual(2);
    await shoot("fork-tree");
  });

  it("shows the task board with its columns, each task with its steps and SOP items", async () => {
    const { colonies } = await api<{ colonies: { id: string }[] }>("/api/colonies");
    const { tasks } = await api<{ tasks: TaskBody[] }>(`/api/colonies/${colonies[0]?.id}/tasks`);
    await openTab("board");
    const column = (name: string) => page.locator(`[data-column="${name}"] [data-task]`);
    await expect.poll(() => column("done").count()).toBe(tasks.filter((t) => t.status === "done").length);
    for (const name of ["pending", "claimed", "failed"]) {
      const statuses = name === "claimed" ? ["claimed", "in_progress"] : [name];
      expect(await column(name).count()).toBe(tasks.filter((t) => statuses.includes(t.status)).length);
    }
    const first = tasks[0] as TaskBody;
    const card = page.locator(`[data-task="${first.id}"]`);
    expect(await card.locator(".step").count()).toBe(first.steps.length);
    expect(await card.locator(".sop-item").count()).toBe(first.sop_items.length);
    expect(await card.locator('.sop-item[data-checked="true"]').count()).toBe(
      first.sop_items.filter((i) => i.done_at !== null).length,
    );
    expect(await card.textContent()).toContain(first.goal);
    await shoot("task-board");
  });

  it("shows new events live: a replayed worker appears in the workers view, a new session in the timeline", async () => {
    const log = await wholeLog();
    const colonySession = log.find(
      (e) => e.type === "SessionStarted" && (e.data as { colonyId: string | null }).colonyId !== null,
    );
    const checkpointed = log.find((e) => e.type === "CheckpointMarked");
    if (!colonySession || !checkpointed) throw new Error("the demo has no colony session or checkpoint");
    const conversationId = checkpointed.stream_id.slice("conversation-".length);
    const { conversations } = await api<{ conversations: ConversationSummaryBody[] }>("/api/conversations");
    const owner = conversations.find((c) => c.conversation_id === conversationId)?.owner.id as string;

    await openTab("workers");
    const before = await page.locator("[data-worker]").count();
    const replayed = await api<{ worker_id: string }>(
      `/api/sessions/${(colonySession.data as { sessionId: string }).sessionId}/replay`,
      {
        method: "POST",
        body: JSON.stringify({
          worker_id: owner,
          checkpoint_id: (checkpointed.data as { version: number }).version,
        }),
      },
    );
    const card = page.locator(`[data-worker="${replayed.worker_id}"]`);
    await expect.poll(() => card.getAttribute("data-status"), { timeout: WAIT_MS }).toBe("reported");
    expect(await page.locator("[data-worker]").count()).toBe(before + 1);
    await shoot("workers-live");

    await openTab("timeline");
    const started = await api<{ session_id: string }>("/api/sessions", { method: "POST", body: "{}" });
    const row = page.locator(`[data-testid="timeline-events"] > details[data-stream="session-${started.session_id}"]`);
    await row.waitFor({ state: "visible" });
    expect(await row.getAttribute("data-type")).toBe("SessionStarted");
    await timelineShows((await wholeLog()).length);
    // The newest row is the newest event of the log.
    expect(Number((await rowAttribute("position"))[0])).toBe((await wholeLog()).at(-1)?.position);
    expect(await timelineCount()).toBe(`${(await wholeLog()).length} events`);
    await shoot("timeline-live");
  });

  it("ran without a script error on the page", () => {
    expect(pageErrors).toEqual([]);
  });
});

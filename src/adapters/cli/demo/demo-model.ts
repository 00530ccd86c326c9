import type { LlmMessage, LlmRequest } from "../../../domain/ports/llm-provider.js";
import { ScriptedProvider, type ScriptedTurn } from "../../llm/scripted-provider.js";

/** The demo's colony: what the queen asks for and how many workers she spawns. */
export const DEMO_WORKERS = 4;
export const WORKER_TASK =
  "work through the colony's queue: claim a task, do its steps, tick its SOP item, complete it";
export const DELEGATED_GOAL = "say which text of the collection is the longest";
export const PERSON_REQUEST =
  "Please analyse the texts in the shared folder: word statistics and the most frequent words of each.";
export const COLONY_BRIEF = `Run the colony: spawn ${DEMO_WORKERS} workers on its queue, delegate one question in the background, and wait for the reports.`;
export const COLONY_NAME = "texts";

/**
 * The scripted model behind the demo: a function of the conversation, as a model is, so queen,
 * workers, the delegated child and the summariser all run on it and a replay can be compared
 * with it. Each role reads its own messages only (what comes after its task message), decides
 * the next tool call from the last result, and ends with a report.
 */
export function demoModel(): ScriptedProvider {
  return new ScriptedProvider((request) => {
    if (request.tools.length === 0) return summarise(request);
    const own = ownMessages(request.messages);
    if (own.kind === "worker") return workerTurn(own.messages);
    if (own.kind === "delegate") return delegateTurn(own.messages);
    const asked = request.messages.findLast((m) => m.role === "user" && !m.content.startsWith("["));
    return asked?.content === COLONY_BRIEF ? colonyQueenTurn(own.messages) : sessionQueenTurn(own.messages);
  });
}

type Role = { kind: "queen" | "worker" | "delegate"; messages: readonly LlmMessage[] };

/** The messages of the agent asking: after its task message (a worker, a delegate) or the person's last. */
function ownMessages(messages: readonly LlmMessage[]): Role {
  const at = (test: (m: LlmMessage) => boolean) => messages.findLastIndex((m) => m.role === "user" && test(m));
  const worker = at((m) => m.content.startsWith("You are a worker of this colony"));
  if (worker >= 0) {
    const kind = messages[worker]?.content.includes(DELEGATED_GOAL) ? "delegate" : "worker";
    return { kind, messages: messages.slice(worker + 1) };
  }
  return { kind: "queen", messages: messages.slice(at((m) => !m.content.startsWith("[")) + 1) };
}

interface Result {
  readonly tool: string;
  readonly value: Record<string, unknown>;
}

/** The last tool result, with the name of the tool that gave it. */
function lastResult(messages: readonly LlmMessage[]): Result | undefined {
  const last = messages.at(-1);
  if (last?.role !== "tool") return undefined;
  return { tool: toolNameOf(messages, last.toolCallId), value: parse(last.content) };
}

function results(messages: readonly LlmMessage[], tool: string): Record<string, unknown>[] {
  return messages
    .filter((m): m is Extract<LlmMessage, { role: "tool" }> => m.role === "tool")
    .filter((m) => toolNameOf(messages, m.toolCallId) === tool)
    .map((m) => parse(m.content));
}

function toolNameOf(messages: readonly LlmMessage[], id: string): string {
  for (const m of messages)
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) if (c.id === id) return c.name;
  return "";
}

function parse(content: string): Record<string, unknown> {
  try {
    const value = JSON.parse(content) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { text: content };
  }
}

const call = (name: string, args: Record<string, unknown>, content = ""): ScriptedTurn => ({
  content,
  toolCalls: [{ name, arguments: args }],
});

/** The person's queen: look at the files, then hand the work to a colony of its own. */
function sessionQueenTurn(messages: readonly LlmMessage[]): ScriptedTurn {
  const last = lastResult(messages);
  if (!last) return call("list_files", {}, "Let me see which texts there are.");
  if (last.tool === "list_files") {
    const files = (last.value.files as string[]) ?? [];
    const tasks = files.flatMap((path) =>
      ["word statistics", "most frequent words"].map((what) => ({
        goal: `${what} of ${path}`,
        payload: { path, what },
        steps: [{ title: `read ${path}` }, { title: `compute the ${what}` }],
        sopItems: [{ key: "checksum_recorded", description: "the file's sha256 is in the evidence" }],
      })),
    );
    return call(
      "colony_spawn",
      { colony_name: COLONY_NAME, tasks },
      `${files.length} texts: a colony with ${tasks.length} tasks.`,
    );
  }
  return { content: `The colony ${COLONY_NAME} has the work: ${String(last.value.task_count)} tasks.` };
}

/** The colony's queen: workers on the queue, one question delegated, then the reports. */
function colonyQueenTurn(messages: readonly LlmMessage[]): ScriptedTurn {
  const delivered = messages.at(-1);
  if (delivered?.role === "user" && delivered.content.startsWith("[Background delegation")) {
    const summary = delivered.content.split("summary:\n")[1] ?? "";
    return { content: `Noted from the background: ${summary.trim()}` };
  }
  const last = lastResult(messages);
  switch (last?.tool) {
    case undefined:
      return call("spawn_workers", { task: WORKER_TASK, count: DEMO_WORKERS }, "Spawning the workers.");
    case "spawn_workers":
      return call(
        "delegate",
        { goal: DELEGATED_GOAL, context: "the texts of the shared folder" },
        "Meanwhile, a question on the side.",
      );
    case "delegate": {
      const [spawned] = results(messages, "spawn_workers");
      return call("wait_for_reports", { worker_ids: spawned?.worker_ids ?? [] }, "Waiting for the workers.");
    }
    default: {
      const reports = (last?.value.value as { worker_id: string; summary: string }[] | undefined) ?? [];
      return { content: `The colony is done. ${reports.map((r) => `${r.worker_id}: ${r.summary}`).join("; ")}` };
    }
  }
}

function workerTurn(messages: readonly LlmMessage[]): ScriptedTurn {
  const last = lastResult(messages);
  const claims = results(messages, "claim_task");
  const task = claims.at(-1) as { task_id?: string; payload?: { path: string; what: string } } | undefined;
  const path = task?.payload?.path ?? "";
  switch (last?.tool) {
    case undefined:
    case "complete_task":
      return call("claim_task", {});
    case "claim_task": {
      if (!last.value.task_id) {
        const done = results(messages, "complete_task").length;
        return call("report_to_parent", {
          status: "success",
          summary: `completed ${done} tasks`,
          data: { completed: done },
        });
      }
      return call("start_step", { seq: 1 });
    }
    case "start_step": {
      const seq = last.value.started as number;
      return seq === 1 ? call("read_file", { path }) : call("word_stats", { path, top: 5 });
    }
    case "read_file":
      return call("complete_step", {
        seq: 1,
        evidence: `read ${path}: ${String(last.value.text ?? "").length} characters`,
      });
    case "complete_step":
      return last.value.completed === 1
        ? call("start_step", { seq: 2 })
        : call("check_sop", { key: "checksum_recorded" });
    case "word_stats": {
      const stats = last.value as {
        words: number;
        distinct: number;
        sha256: string;
        top: { word: string; count: number }[];
      };
      const evidence =
        task?.payload?.what === "most frequent words"
          ? `top words: ${stats.top.map((t) => `${t.word} ${t.count}`).join(", ")}; sha256 ${stats.sha256}`
          : `${stats.words} words, ${stats.distinct} distinct; sha256 ${stats.sha256}`;
      return call("complete_step", { seq: 2, evidence });
    }
    case "check_sop": {
      const [stats] = results(
        messages.slice(
          messages.findLastIndex((m) => m.role === "assistant" && m.toolCalls?.[0]?.name === "word_stats"),
        ),
        "word_stats",
      );
      return call("complete_task", { result: { path, words: stats?.words ?? null, top: stats?.top ?? null } });
    }
    default:
      return call("report_to_parent", {
        status: "failed",
        summary: `unexpected ${last?.tool}: ${JSON.stringify(last?.value)}`,
      });
  }
}

function delegateTurn(messages: readonly LlmMessage[]): ScriptedTurn {
  const last = lastResult(messages);
  if (!last) return call("list_files", {});
  if (last.tool === "list_files") {
    const files = (last.value.files as string[]) ?? [];
    return { content: "", toolCalls: files.map((path) => ({ name: "word_stats", arguments: { path, top: 1 } })) };
  }
  const sizes = results(messages, "word_stats") as { path: string; words: number }[];
  const longest = [...sizes].sort((a, b) => b.words - a.words)[0];
  return call("report_to_parent", {
    status: "success",
    summary: longest ? `the longest text is ${longest.path}, with ${longest.words} words` : "no texts",
    data: { longest: longest?.path ?? null },
  });
}

/** The summariser's answer: the gist of what it was given, as a model would write it. */
function summarise(request: LlmRequest): ScriptedTurn {
  const text = request.messages.map((m) => m.content).join("\n");
  const files = new Set(text.match(/[a-z0-9-]+\.txt/g) ?? []);
  return {
    content: `Summary: the person asked for word statistics and the most frequent words of the texts; the queen listed ${files.size} files, seeded two tasks per file, spawned ${DEMO_WORKERS} workers and delegated one question.`,
  };
}

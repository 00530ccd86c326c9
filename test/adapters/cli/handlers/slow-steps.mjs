// A handler for the worker process tests: every step takes payload.ms of real time and is
// finished even once the pool is stopping (the wait ignores the signal), so a signal sent while
// the pool runs lands in the middle of a step. Steps done under an earlier claim are skipped.
export default async function slowSteps(task, tools) {
  const ms = task.payload?.ms ?? 100;
  for (const step of task.steps) {
    if (step.status === "done") continue;
    await tools.startStep(step.seq);
    await new Promise((resolve) => setTimeout(resolve, ms));
    await tools.completeStep(step.seq, `step ${step.seq} of ${task.goal} took ${ms} ms`);
  }
  return { status: "success", summary: `${task.steps.length} steps of ${ms} ms`, data: { retries: task.retryCount } };
}

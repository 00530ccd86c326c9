// The task handler of the bench's `colony worker` processes: it does no work, so a drain's
// throughput is the ledger's (claim, read the task, complete) and not the handler's.
export default async function instant(task) {
  return { status: "success", summary: `done ${task.goal}` };
}

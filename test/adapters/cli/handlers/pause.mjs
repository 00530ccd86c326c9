// A handler for the scale-out tests: holds its claim for payload.ms of real time, then succeeds,
// so a worker killed at any moment is likely to die holding a claim.
export default async function pause(task) {
  const ms = task.payload?.ms ?? 10;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { status: "success", summary: `held ${task.goal} for ${ms} ms` };
}

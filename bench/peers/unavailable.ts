/** Why a peer library could not be loaded from bench/peers, in one line for the bench's notice. */
export function unavailable(error: unknown): { readonly available: false; readonly reason: string } {
  const code = (error as { code?: string }).code;
  const firstLine = String(error instanceof Error ? error.message : error).split("\n")[0];
  return {
    available: false,
    reason:
      code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND"
        ? "not installed (run `npm run bench:peers` to install it into bench/peers)"
        : `failed to load: ${firstLine}`,
  };
}

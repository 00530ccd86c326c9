import { ColonyError } from "../../../domain/errors.js";

/** What `colony inspect` looks at, besides conversations (which keep their own error). */
export type InspectedKind = "colony" | "session" | "worker" | "task";

/**
 * An id the read models do not know (at that position, with --at): `unknown_colony`,
 * `unknown_session`, `unknown_worker` (as `colony replay` says it) or `unknown_task`.
 */
export class UnknownIdError<K extends InspectedKind = InspectedKind> extends ColonyError<`unknown_${K}`> {
  constructor(
    readonly kind: K,
    readonly id: string,
    at?: bigint,
  ) {
    super(`unknown_${kind}`, `no ${kind} ${id}${at === undefined ? "" : ` at position ${at}`}`, {
      [`${kind}Id`]: id,
      ...(at === undefined ? {} : { at: Number(at) }),
    });
  }
}

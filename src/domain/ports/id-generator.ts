/** Identifier source, injected so tests can be deterministic. */
export interface IdGenerator {
  /** A time-ordered UUID (v7), so ids indexed in B-trees land on the rightmost page. */
  uuid(): string;
}

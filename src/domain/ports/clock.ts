/** Time, injected so deciders, stores and tests agree on "now" and tests can fix it. */
export interface Clock {
  now(): Date;
}

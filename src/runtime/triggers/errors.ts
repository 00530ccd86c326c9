import { ColonyError } from "../../domain/errors.js";

/**
 * A webhook request whose signature does not prove it came from the holder of the trigger's
 * secret. Raised before anything is read from or appended to the log on the request's behalf, so
 * a forged request can neither fire the trigger nor learn a worker id through an idempotency key.
 * Callers answer 401.
 */
export class WebhookSignatureError<
  Code extends "webhook_signature_missing" | "webhook_signature_invalid",
> extends ColonyError<Code> {}

/** The request carried no signature header (or an empty one). */
export class WebhookSignatureMissingError extends WebhookSignatureError<"webhook_signature_missing"> {
  constructor(colonyId: string, triggerId: string) {
    super("webhook_signature_missing", `webhook ${triggerId} of colony ${colonyId}: the request is not signed`, {
      colonyId,
      triggerId,
    });
  }
}

/**
 * The signature is not `sha256=<64 hex digits>` (`malformed`) or is not the HMAC-SHA256 of the
 * body under the trigger's secret (`mismatch`). Which one is no secret: the length and alphabet
 * are public, and the comparison of a well-formed signature is constant-time.
 */
export class WebhookSignatureInvalidError extends WebhookSignatureError<"webhook_signature_invalid"> {
  constructor(
    colonyId: string,
    triggerId: string,
    readonly reason: "malformed" | "mismatch",
  ) {
    const what = reason === "malformed" ? "is not sha256=<64 hex digits>" : "does not match the body";
    super("webhook_signature_invalid", `webhook ${triggerId} of colony ${colonyId}: the signature ${what}`, {
      colonyId,
      triggerId,
      reason,
    });
  }
}

/**
 * The trigger's secret reference resolves to nothing: a deployment mistake, not the caller's.
 * Refusing (rather than accepting unsigned requests) keeps a missing secret from opening the hook.
 */
export class WebhookSecretUnavailableError extends ColonyError<"webhook_secret_unavailable"> {
  constructor(colonyId: string, triggerId: string, secretRef: string) {
    super(
      "webhook_secret_unavailable",
      `webhook ${triggerId} of colony ${colonyId}: its secret ${secretRef} is not set, so no request can be verified`,
      { colonyId, triggerId, secretRef },
    );
  }
}

/** No webhook trigger of the colony listens on the route. Callers answer 404. */
export class UnknownWebhookRouteError extends ColonyError<"unknown_webhook_route"> {
  constructor(colonyId: string, route: string, knownRoutes: readonly string[]) {
    super("unknown_webhook_route", `colony ${colonyId} has no webhook on route ${route}`, {
      colonyId,
      route,
      knownRoutes,
    });
  }
}

/** Another webhook trigger of the colony already listens on the route: a request must name one trigger. */
export class WebhookRouteTakenError extends ColonyError<"webhook_route_taken"> {
  constructor(colonyId: string, route: string, triggerId: string) {
    super("webhook_route_taken", `colony ${colonyId}: route ${route} is already served by trigger ${triggerId}`, {
      colonyId,
      route,
      triggerId,
    });
  }
}

/** A webhook trigger fired without going through its signature check. */
export class UnsignedWebhookFiringError extends ColonyError<"webhook_requires_signature"> {
  constructor(colonyId: string, triggerId: string) {
    super(
      "webhook_requires_signature",
      `trigger ${triggerId} of colony ${colonyId} is a webhook: it fires only through a signed request (fireWebhook)`,
      { colonyId, triggerId },
    );
  }
}

/**
 * The spawn port started the worker under another id than the firing's. The idempotency record
 * names the firing's id, so a retry would not find this worker and would start a second one.
 */
export class SpawnContractError extends ColonyError<"spawn_contract_violated"> {
  constructor(firingId: string, expectedWorkerId: string, actualWorkerId: string) {
    super(
      "spawn_contract_violated",
      `firing ${firingId}: spawn started worker ${actualWorkerId} instead of ${expectedWorkerId}`,
      { firingId, expectedWorkerId, actualWorkerId },
    );
  }
}

/**
 * An idempotency key names a worker that was never spawned, and the firing that should spawn it is
 * not in the colony's stream. The key and the firing are appended in one transaction, so this
 * means the log was edited or the key was recorded by something other than this service.
 */
export class FiringNotFoundError extends ColonyError<"firing_not_found"> {
  constructor(colonyId: string, workerId: string) {
    super(
      "firing_not_found",
      `colony ${colonyId}: an idempotency key names worker ${workerId}, but no TriggerFired of the colony does`,
      { colonyId, workerId },
    );
  }
}

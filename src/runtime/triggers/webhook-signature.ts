import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookSignatureInvalidError, WebhookSignatureMissingError } from "./errors.js";

/** The GitHub-style scheme: the header value is `sha256=` and the hex HMAC-SHA256 of the raw body. */
export const SIGNATURE_PREFIX = "sha256=";
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

export type WebhookBody = string | Uint8Array;

/** What verification needs of a webhook trigger: its id (for errors) and its resolved secret. */
export interface WebhookVerifier {
  readonly triggerId: string;
  readonly secret: string | Uint8Array;
}

function digest(secret: string | Uint8Array, rawBody: WebhookBody): Buffer {
  return createHmac("sha256", secret).update(rawBody).digest();
}

/** The header value a sender puts on `rawBody` (strings are hashed as UTF-8). */
export function signWebhook(secret: string | Uint8Array, rawBody: WebhookBody): string {
  return `${SIGNATURE_PREFIX}${digest(secret, rawBody).toString("hex")}`;
}

/**
 * Checks that `signatureHeader` is the HMAC-SHA256 of `rawBody` under the trigger's secret, or
 * throws WebhookSignatureMissingError / WebhookSignatureInvalidError. `rawBody` must be the bytes
 * as received: a body parsed and serialised again need not hash the same. The bare hex digest is
 * accepted as well as `sha256=<hex>`. The digests are compared with `timingSafeEqual` on equal-
 * length buffers, so the time taken does not tell a forger how many leading bytes were right.
 */
export function verifyWebhook(
  colony: string,
  trigger: WebhookVerifier,
  rawBody: WebhookBody,
  signatureHeader: string | null | undefined,
): void {
  const header = signatureHeader?.trim() ?? "";
  if (header === "") throw new WebhookSignatureMissingError(colony, trigger.triggerId);
  const hex = header.toLowerCase().startsWith(SIGNATURE_PREFIX) ? header.slice(SIGNATURE_PREFIX.length) : header;
  if (!HEX_DIGEST.test(hex)) throw new WebhookSignatureInvalidError(colony, trigger.triggerId, "malformed");
  if (!timingSafeEqual(Buffer.from(hex, "hex"), digest(trigger.secret, rawBody))) {
    throw new WebhookSignatureInvalidError(colony, trigger.triggerId, "mismatch");
  }
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Result } from '../contracts/result.js';

/** One delivery as it arrived over HTTP: its headers, its exact bytes, and its body as the framework parsed it. */
export interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: Uint8Array;
  body?: unknown;
}

/** What a delivery says, in no source's own terms. */
export type SourceEvent =
  | { kind: 'tag'; repository: string; tag: string; prerelease: boolean }
  // A source's check that the hook works; only GitHub sends one (a hook id in it is optional).
  | { kind: 'ping'; hookId: number | undefined }
  | { kind: 'ignored'; reason: string };

/** A verified delivery read: its event, and the ids the release request carries to say where it came from. */
export interface ReadDelivery {
  deliveryId: string;
  event: string;
  said: SourceEvent;
}

/** Why a verified delivery is refused, with the HTTP status the sender sees. */
export interface DeliveryRefusal {
  httpStatus: 400 | 415;
  reason: string;
}

/**
 * The light half of an event source, loaded at cold start before any schema: who sends deliveries, how
 * a delivery names itself, and whether it is signed by someone who holds a secret.
 */
export interface DeliveryVerifier {
  /** How answers name the sender, e.g. "GitHub". */
  name: string;
  /** The most a delivery's raw body may hold: the sender's own cap. */
  maxBodyBytes: number;
  /** The delivery id and event name as the headers give them, unchecked, for logs. */
  identify(headers: IncomingHttpHeaders): { deliveryId: string | undefined; event: string | undefined };
  /** Checks that the exact bytes were signed with one of the secrets (several, for rotation). */
  verify(delivery: Delivery, secrets: readonly string[]): Result<undefined>;
}

/** A sender of release events (GitHub is the first): verifies a delivery, and reads it into a source-neutral event. */
export interface EventSource extends DeliveryVerifier {
  /** Reads a verified delivery; a refusal says why it is not a delivery this source sends. */
  read(delivery: Delivery): Result<ReadDelivery, DeliveryRefusal>;
  /** What a person does to have a delivery sent again; the sender does not retry on its own. */
  redeliverHint: string;
}

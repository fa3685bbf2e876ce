import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { MsgHdrs } from "@nats-io/transport-node";
import { PermanentFailure } from "./durable-consumer.js";
import { SIGNATURE_HEADER, type EventVerifier } from "./event-signature.js";

/** Decodes an event's protobuf payload; bytes that are not one are a permanent failure. */
export function decodeEvent<Desc extends DescMessage>(schema: Desc, data: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, data);
  } catch (error) {
    throw new PermanentFailure(`undecodable ${schema.name}: ${String(error)}`);
  }
}

/**
 * A message its producer did not sign, or that was changed since: dead-lettered, and nothing
 * it names is touched (no document is marked FAILED for it, since it may name a real one).
 */
export class UnverifiableEvent extends PermanentFailure {
  override name = "UnverifiableEvent";
}

export interface ReceivedMessage {
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** The problem with a message's signature, or undefined when its producer signed it as it is. */
export function signatureProblem(verifier: EventVerifier, msg: ReceivedMessage): string | undefined {
  return verifier.problem(msg.subject, msg.data, msg.headers?.get(SIGNATURE_HEADER) || undefined);
}

/** Verifies the producer's signature, then decodes: an event is trusted only when both hold. */
export function decodeVerifiedEvent<Desc extends DescMessage>(
  schema: Desc,
  msg: ReceivedMessage,
  verifier: EventVerifier,
): MessageShape<Desc> {
  const problem = signatureProblem(verifier, msg);
  if (problem) throw new UnverifiableEvent(`unverifiable ${schema.name}: ${problem}`);
  return decodeEvent(schema, msg.data);
}

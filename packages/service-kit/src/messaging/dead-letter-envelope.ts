import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";

// What a dead letter carries besides the original message: where it came from and why it was
// given up on, as Dead-Letter-* headers beside the original ones. The consumer loop writes the
// envelope (durable-consumer.ts) and the operator's CLI reads it, so both use this one module.

export const DEAD_LETTER_HEADER_PREFIX = "Dead-Letter-";

export const DEAD_LETTER_HEADERS = {
  reason: `${DEAD_LETTER_HEADER_PREFIX}Reason`,
  stream: `${DEAD_LETTER_HEADER_PREFIX}Stream`,
  consumer: `${DEAD_LETTER_HEADER_PREFIX}Consumer`,
  subject: `${DEAD_LETTER_HEADER_PREFIX}Subject`,
  sequence: `${DEAD_LETTER_HEADER_PREFIX}Sequence`,
  attempts: `${DEAD_LETTER_HEADER_PREFIX}Attempts`,
} as const;

/** A reason longer than this is cut: it travels in a header, and the server bounds a message. */
export const DEAD_LETTER_REASON_MAX_CHARS = 1_000;

export interface DeadLetterEnvelope {
  reason: string;
  /** The stream the original message was stored in, and the durable that gave up on it. */
  stream: string;
  consumer: string;
  subject: string;
  /** The original message's sequence in `stream`. */
  sequence: number;
  /** How often it was delivered before it was given up on. */
  attempts: number;
}

/**
 * The headers of a dead letter: the original message's, except NATS's own `Nats-*` ones, then
 * the envelope. Nats-* headers are instructions to the server (Nats-Msg-Id, Nats-Expected-Stream,
 * ...): applied to the dead-letter publish they could have it dropped or refused.
 */
export function writeDeadLetterHeaders(original: MsgHdrs | undefined, envelope: DeadLetterEnvelope): MsgHdrs {
  const out = natsHeaders();
  if (original) copyHeaders(original, out, (key) => !key.toLowerCase().startsWith("nats-"));
  out.set(DEAD_LETTER_HEADERS.reason, envelope.reason.slice(0, DEAD_LETTER_REASON_MAX_CHARS));
  out.set(DEAD_LETTER_HEADERS.stream, envelope.stream);
  out.set(DEAD_LETTER_HEADERS.consumer, envelope.consumer);
  out.set(DEAD_LETTER_HEADERS.subject, envelope.subject);
  out.set(DEAD_LETTER_HEADERS.sequence, String(envelope.sequence));
  out.set(DEAD_LETTER_HEADERS.attempts, String(envelope.attempts));
  return out;
}

/**
 * The envelope of a stored dead letter, or undefined when the message has none: without its
 * subject and stream a dead letter cannot be put back, so those two are required; a missing
 * or garbled number reads as 0 rather than hiding the message from an operator.
 */
export function readDeadLetterEnvelope(headers: MsgHdrs | undefined): DeadLetterEnvelope | undefined {
  const header = (name: string) => (headers?.has(name) ? headers.get(name) : "");
  const subject = header(DEAD_LETTER_HEADERS.subject);
  const stream = header(DEAD_LETTER_HEADERS.stream);
  if (!subject || !stream) return undefined;
  return {
    reason: header(DEAD_LETTER_HEADERS.reason),
    stream,
    consumer: header(DEAD_LETTER_HEADERS.consumer),
    subject,
    sequence: Number(header(DEAD_LETTER_HEADERS.sequence)) || 0,
    attempts: Number(header(DEAD_LETTER_HEADERS.attempts)) || 0,
  };
}

/** A dead letter's headers without its envelope: what the original message carried (less Nats-*). */
export function headersWithoutEnvelope(headers: MsgHdrs): MsgHdrs {
  const out = natsHeaders();
  copyHeaders(headers, out, (key) => !key.toLowerCase().startsWith(DEAD_LETTER_HEADER_PREFIX.toLowerCase()));
  return out;
}

function copyHeaders(from: MsgHdrs, to: MsgHdrs, keep: (key: string) => boolean) {
  for (const key of from.keys()) {
    if (!keep(key)) continue;
    for (const value of from.values(key)) to.append(key, value);
  }
}

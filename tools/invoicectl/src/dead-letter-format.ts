import { fromBinary } from "@bufbuild/protobuf";
import { InvoiceGeneratedSchema, PaymentCompletedSchema, PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  DEAD_LETTER_STREAM,
  invoiceGeneratedSubject,
  paymentCompletedSubject,
  paymentRefundedSubject,
} from "@invoicing/service-kit/messaging";
import { headersWithoutEnvelope, readDeadLetterEnvelope } from "@invoicing/service-kit/messaging";
import type { StoredMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

// What a dead letter is to an operator (its envelope is service-kit's dead-letter-envelope.ts,
// which the consumer loop writes) and how a replay of one is built. No I/O here.

export const REPLAYED_FROM_HEADER = "Replayed-From";

export interface DeadLetter {
  /** Its sequence in DEAD_LETTERS: what `replay` takes. */
  seq: number;
  /** When it was dead-lettered. */
  time: Date;
  /** Where the original message was stored and consumed. */
  stream: string;
  consumer: string;
  subject: string;
  /** The original message's sequence in `stream`. */
  streamSeq: number;
  attempts: number;
  reason: string;
  /** The original payload, byte for byte. */
  data: Uint8Array;
  /** The original headers plus the Dead-Letter-* ones, as stored. */
  headers: MsgHdrs;
}

/** A stored DEAD_LETTERS message as a DeadLetter, or undefined when it lacks the headers. */
export function parseDeadLetter(stored: StoredMsg): DeadLetter | undefined {
  const envelope = readDeadLetterEnvelope(stored.header);
  if (!envelope || !stored.header) return undefined;
  return {
    seq: stored.seq,
    time: stored.time,
    stream: envelope.stream,
    consumer: envelope.consumer,
    subject: envelope.subject,
    streamSeq: envelope.sequence,
    attempts: envelope.attempts,
    reason: envelope.reason,
    data: stored.data,
    headers: stored.header,
  };
}

/** The Nats-Msg-Id of a replay: one per dead letter, never the original's (see replayHeaders). */
export const replayMsgId = (seq: number) => `replay:${DEAD_LETTER_STREAM}:${seq}`;

/**
 * The original headers for a replay: without the Dead-Letter-* headers and without NATS's own
 * `Nats-*` control headers (Nats-Msg-Id, Nats-Expected-*: the original id would fall in the
 * stream's duplicate window and the replay be dropped; the publish sets its own), with every
 * other header (traceparent, tracestate, ...) kept and `Replayed-From: DEAD_LETTERS:<seq>`.
 */
export function replayHeaders(letter: DeadLetter): MsgHdrs {
  const out = headersWithoutEnvelope(letter.headers);
  for (const key of out.keys()) {
    const lower = key.toLowerCase();
    if (lower.startsWith("nats-") || lower === REPLAYED_FROM_HEADER.toLowerCase()) out.delete(key);
  }
  out.set(REPLAYED_FROM_HEADER, `${DEAD_LETTER_STREAM}:${letter.seq}`);
  return out;
}

/**
 * A short, human description of the payload: the ids of the pipeline's own events (chosen by
 * subject) when they decode, otherwise the first bytes in hex.
 */
export function describePayload(letter: Pick<DeadLetter, "subject" | "data">): string {
  const { subject, data } = letter;
  try {
    if (subject.startsWith(paymentCompletedSubject(""))) {
      const event = fromBinary(PaymentCompletedSchema, data);
      if (isId(event.paymentId)) return `payment ${event.paymentId}`;
    } else if (subject.startsWith(paymentRefundedSubject(""))) {
      const event = fromBinary(PaymentRefundedSchema, data);
      if (isId(event.refundId)) return `refund ${event.refundId}${isId(event.paymentId) ? ` of payment ${event.paymentId}` : ""}`;
    } else if (subject.startsWith(invoiceGeneratedSubject(""))) {
      const event = fromBinary(InvoiceGeneratedSchema, data);
      if (isId(event.invoiceId)) return `invoice ${event.invoiceId}${isId(event.invoiceNumber) ? ` ${event.invoiceNumber}` : ""}`;
    }
  } catch {
    // not the event its subject carries: fall through to the bytes
  }
  return hexPreview(data);
}

const isId = (value: string) => /^[\x21-\x7e]{1,200}$/.test(value);

export function hexPreview(data: Uint8Array, bytes = 12): string {
  if (data.byteLength === 0) return "(empty)";
  const hex = Buffer.from(data.subarray(0, bytes)).toString("hex");
  return `0x${hex}${data.byteLength > bytes ? "…" : ""}`;
}

/** One dead letter as a JSON-friendly record (what `list --json` prints). */
export function deadLetterRecord(letter: DeadLetter) {
  return {
    seq: letter.seq,
    time: letter.time.toISOString(),
    stream: letter.stream,
    subject: letter.subject,
    streamSeq: letter.streamSeq,
    consumer: letter.consumer,
    attempts: letter.attempts,
    reason: letter.reason,
    size: letter.data.byteLength,
    payload: describePayload(letter),
    traceparent: letter.headers.has("traceparent") ? letter.headers.get("traceparent") : undefined,
  };
}

/** The dead letters as an aligned text table, one row each, then the reason under it. */
export function formatDeadLetterTable(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return `no dead letters in ${DEAD_LETTER_STREAM}\n`;
  const rows = letters.map((l) => {
    const r = deadLetterRecord(l);
    return [
      String(r.seq),
      r.time,
      `${r.stream}:${r.streamSeq}`,
      r.subject,
      r.consumer,
      String(r.attempts),
      `${r.size} B`,
      r.payload,
      r.reason,
    ];
  });
  const head = ["SEQ", "DEAD-LETTERED AT", "ORIGINAL", "SUBJECT", "CONSUMER", "ATTEMPTS", "SIZE", "PAYLOAD"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const out = [line(head)];
  for (const row of rows) {
    out.push(line(row.slice(0, head.length)));
    out.push(`    reason: ${row[head.length]}`);
  }
  out.push(`${letters.length} dead letter${letters.length === 1 ? "" : "s"}`);
  return `${out.join("\n")}\n`;
}

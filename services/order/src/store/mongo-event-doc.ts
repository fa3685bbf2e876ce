import { Binary } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";

/**
 * An outbox event held inside the document of its cause (a payment or a refund), so the two
 * are written by one insert. The relay and the reconciler change it with `$set` on that one
 * document, which MongoDB applies atomically.
 */
export interface EventDoc {
  msg_id: string;
  subject: string;
  payload: Binary;
  traceparent: string;
  /**
   * True until published, and again when requeued. A flag rather than `published_at: null`,
   * because null also matches the documents of the old adapter, which have no event: the
   * pending index would hold every old payment and each poll would scan them all.
   */
  pending: boolean;
  published_at: Date | null;
  delivered_at: Date | null;
  given_up_at: Date | null;
  given_up_reason?: string;
}

export const eventDoc = (event: OutboxEntry): EventDoc => ({
  msg_id: event.msgId,
  subject: event.subject,
  payload: new Binary(event.payload),
  traceparent: event.traceparent,
  pending: true,
  published_at: null,
  delivered_at: null,
  given_up_at: null,
});

export const toOutboxEntry = (event: Pick<EventDoc, "msg_id" | "subject" | "payload" | "traceparent">): OutboxEntry => ({
  msgId: event.msg_id,
  subject: event.subject,
  // A copy into a plain Uint8Array: the driver hands back a Buffer view of its own memory.
  payload: new Uint8Array(event.payload.value()),
  traceparent: event.traceparent,
});

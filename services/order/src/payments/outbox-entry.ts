/** An event waiting to be published; written in the same atomic step as its cause. */
export interface OutboxEntry {
  /** Nats-Msg-Id: JetStream drops a republish of the same id inside its duplicate window. */
  msgId: string;
  subject: string;
  payload: Uint8Array;
  /** W3C traceparent of the call that caused it, so the publish continues that trace. */
  traceparent: string;
}

import type { Order, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";

// The order service's data, behind a port so the embedded (SQLite) and production (MongoDB)
// adapters pass one contract suite.

export interface PaymentRecord {
  paymentId: string;
  orderId: string;
  amount: bigint;
  method: PaymentMethod;
  /** The trace the payment call started; the invoice and the mail carry the same id. */
  traceId: string;
  completedAt: Date;
}

/** An event waiting to be published; written in the same atomic step as its cause. */
export interface OutboxEntry {
  /** Nats-Msg-Id: JetStream drops a republish of the same id inside its duplicate window. */
  msgId: string;
  subject: string;
  payload: Uint8Array;
  /** W3C traceparent of the call that caused it, so the publish continues that trace. */
  traceparent: string;
}

export type CompletePaymentResult =
  | { outcome: "recorded"; payment: PaymentRecord }
  /** This payment id was recorded before: the first result stands. */
  | { outcome: "duplicate"; payment: PaymentRecord }
  /** The order was already paid by another payment. */
  | { outcome: "order-already-paid"; payment: PaymentRecord }
  | { outcome: "order-not-found" };

export interface OrderStore {
  createOrder(order: Order): Promise<void>;
  getOrder(orderId: string): Promise<Order | undefined>;
  getPayment(paymentId: string): Promise<PaymentRecord | undefined>;
  /**
   * Atomically: records the payment, marks the order PAID and queues `event` in the outbox.
   * Either all of it happens or none; a second call with the same payment id changes nothing.
   */
  completePayment(payment: PaymentRecord, event: OutboxEntry): Promise<CompletePaymentResult>;
  /** Oldest first. */
  pendingOutbox(limit: number): Promise<OutboxEntry[]>;
  markPublished(msgIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

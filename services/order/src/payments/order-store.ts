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

/** One refund of a payment: which order lines, how many of each, and the gross amount. */
export interface RefundRecord {
  refundId: string;
  paymentId: string;
  orderId: string;
  /** Index into the order's items and the quantity taken back, in request order. */
  lines: Array<{ itemIndex: number; quantity: bigint }>;
  /** Gross (net + tax) of the refunded lines, in minor units. */
  amount: bigint;
  reason: string;
  traceId: string;
  refundedAt: Date;
}

/** What the store hands a refund decision, read inside the transaction that records it. */
export interface RefundContext {
  order: Order;
  payment: PaymentRecord;
  /** Every refund of this payment recorded so far. */
  earlier: RefundRecord[];
}

export type RecordRefundResult =
  | { outcome: "recorded"; refund: RefundRecord }
  /** This refund id was recorded before: the first result stands. */
  | { outcome: "duplicate"; refund: RefundRecord }
  | { outcome: "payment-not-found" };

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
  getRefund(refundId: string): Promise<RefundRecord | undefined>;
  /**
   * Atomically: reads the payment, its order and its earlier refunds, lets `decide` turn them
   * into the refund and its event (or throw, which writes nothing), then records both. The
   * decision sees every earlier refund because it runs under the same lock or transaction
   * as the write, so two racing refunds cannot together take back more than was paid.
   */
  recordRefund(
    refundId: string,
    paymentId: string,
    decide: (context: RefundContext) => { refund: RefundRecord; event: OutboxEntry },
  ): Promise<RecordRefundResult>;
  /** Oldest first. */
  pendingOutbox(limit: number): Promise<OutboxEntry[]>;
  /** Events not yet published: growing means NATS is unreachable or the relay is stuck. */
  countPendingOutbox(): Promise<number>;
  markPublished(msgIds: readonly string[]): Promise<void>;
  /**
   * The event's document was delivered to the customer (the notifier's DocumentDelivered):
   * reconciliation is done with it. False when no such event is in the outbox.
   */
  markDelivered(msgId: string): Promise<boolean>;
  /**
   * A service gave up on the event's document for a permanent cause (dead-lettered, FAILED, or
   * a recipient that can never be mailed): republishing it would change nothing, so
   * reconciliation leaves it alone. The first reason stands. A delivery reported later is
   * recorded all the same (markDelivered), so a document fixed and replayed by an operator
   * ends delivered. False when no such event is in the outbox.
   */
  markGivenUp(msgId: string, reason: string): Promise<boolean>;
  /**
   * Reconciliation: events published before `publishedBefore` whose document was never
   * reported delivered, nor given up on (markGivenUp), are made pending again, at most `limit` of them, oldest first, so the
   * relay publishes them once more under the same Nats-Msg-Id (a broker that lost them takes
   * them again; one that still holds them drops the copy, and the consumers are idempotent).
   * Returns their msg ids.
   */
  requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]>;
  close(): Promise<void>;
}

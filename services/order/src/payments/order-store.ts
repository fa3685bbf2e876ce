import type { Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import type { OutboxEntry } from "./outbox-entry.js";
import type { PaymentRecord } from "./payment-record.js";
import type { RefundRecord } from "./refund-record.js";

// The order service's data, behind a port so the embedded (SQLite) and production (MongoDB)
// adapters pass one contract suite. The adapters read and write; what a payment or a refund
// may do is decided in payments/ (payment-decision.ts, refund-decision.ts), from what the
// adapter read inside the atomic step that then writes the decision.

/** What a payment's decision needs, read under the lock or transaction of its write. */
export interface PaymentState {
  /** A payment recorded before under the same payment id. */
  samePayment: PaymentRecord | undefined;
  order: Order | undefined;
  /** The payment that already paid the order, if one did. */
  orderPayment: PaymentRecord | undefined;
}

/** What a recorded payment writes, all of it or nothing. */
export interface PaymentWrite {
  payment: PaymentRecord;
  /** The order as it is once paid. */
  paidOrder: Order;
  event: OutboxEntry;
}

/** What a refund's decision needs, read under the lock or transaction of its write. */
export interface RefundState {
  /** A refund recorded before under the same refund id. */
  sameRefund: RefundRecord | undefined;
  payment: PaymentRecord | undefined;
  /** The payment's order; undefined only when the payment is. */
  order: Order | undefined;
  /** Every refund of this payment recorded so far, oldest first. */
  earlier: RefundRecord[];
}

/** What a recorded refund writes, all of it or nothing. */
export interface RefundWrite {
  refund: RefundRecord;
  event: OutboxEntry;
}

/** A decision taken inside a store's atomic step: its answer, and what to write (nothing when absent). */
export interface StoreDecision<Answer, Write> {
  answer: Answer;
  write?: Write;
}

export interface OrderStore {
  createOrder(order: Order): Promise<void>;
  getOrder(orderId: string): Promise<Order | undefined>;
  getPayment(paymentId: string): Promise<PaymentRecord | undefined>;
  /**
   * Atomically: reads the payment's state, lets `decide` turn it into an answer and maybe a
   * write, and performs the write (payment, order, outbox entry) all or nothing. Under the
   * same lock or transaction, so two racing payments for one order cannot both be recorded;
   * `decide` must be pure, since an adapter may run it again after a conflict.
   */
  completePayment<Answer>(
    paymentId: string,
    orderId: string,
    decide: (state: PaymentState) => StoreDecision<Answer, PaymentWrite>,
  ): Promise<Answer>;
  getRefund(refundId: string): Promise<RefundRecord | undefined>;
  /**
   * Atomically, like completePayment: reads the refund's state, lets `decide` answer (or throw,
   * which writes nothing), then writes the refund and its outbox entry. The decision sees every
   * earlier refund because it runs under the same lock or transaction as the write, so two
   * racing refunds cannot together take back more than was paid.
   */
  recordRefund<Answer>(
    refundId: string,
    paymentId: string,
    decide: (state: RefundState) => StoreDecision<Answer, RefundWrite>,
  ): Promise<Answer>;
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
   * reported delivered, nor given up on (markGivenUp), are made pending again, at most `limit`
   * of them, oldest first, so the relay publishes them once more under the same Nats-Msg-Id (a
   * broker that lost them takes them again; one that still holds them drops the copy, and the
   * consumers are idempotent). Returns their msg ids.
   */
  requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]>;
  close(): Promise<void>;
}

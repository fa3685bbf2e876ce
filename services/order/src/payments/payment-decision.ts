import { OrderStatus, type Order, type PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import type { PaymentState } from "./order-store.js";
import type { PaymentRecord } from "./payment-record.js";

// The payment rules, once: whatever store holds the data, these decide what a payment does.

/** A payment as the caller asks for it, with the trace and time the service gives it. */
export interface PaymentAttempt {
  paymentId: string;
  orderId: string;
  amount: bigint;
  method: PaymentMethod;
  traceId: string;
  completedAt: Date;
}

export type PaymentDecision =
  /** To be written: the payment, and its order now PAID. */
  | { outcome: "recorded"; payment: PaymentRecord; paidOrder: Order }
  /** This payment id was recorded before for this order: the first result stands. */
  | { outcome: "duplicate"; payment: PaymentRecord }
  /** This payment id was recorded before for another order. */
  | { outcome: "payment-id-taken"; payment: PaymentRecord }
  | { outcome: "order-not-found" }
  /** A payment must pay exactly the order's total. */
  | { outcome: "amount-mismatch"; total: bigint }
  /** The order was already paid by another payment. */
  | { outcome: "order-already-paid"; payment: PaymentRecord };

/** A payment id seen before: the same order gets the first answer again, another order is refused. */
export function repeatedPayment(seen: PaymentRecord, orderId: string): PaymentDecision {
  return seen.orderId === orderId ? { outcome: "duplicate", payment: seen } : { outcome: "payment-id-taken", payment: seen };
}

/**
 * What a payment does, from what the store read in the step that will write it. In this
 * order: a repeat first (a retried call must get its first answer, whatever changed since),
 * then the order, its amount, and whether another payment paid it.
 *
 * A store's reads need not be one snapshot (MongoDB's are separate queries): a repeat of this
 * very call, racing it, may be written after the read by payment id and before the read by
 * order, and so be seen only as the order's payment. That is still this payment, not another.
 */
export function decidePayment(state: PaymentState, attempt: PaymentAttempt): PaymentDecision {
  const seen = state.samePayment ?? (state.orderPayment?.paymentId === attempt.paymentId ? state.orderPayment : undefined);
  if (seen) return repeatedPayment(seen, attempt.orderId);
  const { order } = state;
  if (!order) return { outcome: "order-not-found" };
  if (attempt.amount !== order.total) return { outcome: "amount-mismatch", total: order.total };
  if (state.orderPayment) return { outcome: "order-already-paid", payment: state.orderPayment };
  const payment: PaymentRecord = { ...attempt, orderId: order.orderId };
  return { outcome: "recorded", payment, paidOrder: { ...order, status: OrderStatus.PAID } };
}

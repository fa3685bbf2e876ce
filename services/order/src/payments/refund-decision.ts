import type { Order, RefundLine } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import type { RefundState } from "./order-store.js";
import { planRefund, type RefundPlan } from "./refund-plan.js";
import type { RefundRecord } from "./refund-record.js";

// The refund rules, once: whatever store holds the data, these decide what a refund does.

/** A refund as the caller asks for it, with the trace and time the service gives it. */
export interface RefundAttempt {
  refundId: string;
  paymentId: string;
  /** Empty: everything not refunded yet. */
  lines: readonly RefundLine[];
  reason: string;
  traceId: string;
  refundedAt: Date;
}

export type RefundDecision =
  /** To be written: the refund, planned against the payment's earlier refunds. */
  | { outcome: "recorded"; refund: RefundRecord; plan: RefundPlan; order: Order }
  /** This refund id was recorded before for this payment: the first result stands. */
  | { outcome: "duplicate"; refund: RefundRecord }
  /** This refund id was recorded before for another payment. */
  | { outcome: "refund-id-taken"; refund: RefundRecord }
  | { outcome: "payment-not-found" };

/**
 * What a refund does, from what the store read in the step that will write it: a repeat gets
 * its first answer, a refund of an unknown payment none; otherwise its plan (which throws
 * RefundLineInvalid or RefundRefused for what cannot be refunded).
 *
 * As with payments, the reads need not be one snapshot: a racing repeat of this refund may be
 * seen only among the earlier refunds, where it must not count against itself.
 */
export function decideRefund(state: RefundState, attempt: RefundAttempt): RefundDecision {
  const { payment, order } = state;
  const sameRefund = state.sameRefund ?? state.earlier.find((r) => r.refundId === attempt.refundId);
  if (sameRefund) {
    return sameRefund.paymentId === attempt.paymentId
      ? { outcome: "duplicate", refund: sameRefund }
      : { outcome: "refund-id-taken", refund: sameRefund };
  }
  if (!payment || !order) return { outcome: "payment-not-found" };
  const plan = planRefund({ order, payment, earlier: state.earlier }, attempt.lines);
  const refund: RefundRecord = {
    refundId: attempt.refundId,
    paymentId: payment.paymentId,
    orderId: order.orderId,
    lines: plan.lines,
    amount: plan.amount,
    reason: attempt.reason,
    traceId: attempt.traceId,
    refundedAt: attempt.refundedAt,
  };
  return { outcome: "recorded", refund, plan, order };
}

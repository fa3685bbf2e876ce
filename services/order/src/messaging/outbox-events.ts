import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { PaymentCompletedSchema, PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import type { Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { documentSourceOf, paymentCompletedSubject, paymentRefundedSubject } from "@invoicing/service-kit/messaging";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundPlan } from "../payments/refund-plan.js";
import type { RefundRecord } from "../payments/refund-record.js";

// The events a payment and a refund put in the outbox, as the relay will publish them.

/** PaymentCompleted carries the whole order, paid: the invoice is issued from it. */
export function paymentCompletedEntry(payment: PaymentRecord, paidOrder: Order, traceparent: string): OutboxEntry {
  const event = create(PaymentCompletedSchema, {
    eventId: `payment-completed:${payment.paymentId}`,
    occurredAt: timestampFromDate(payment.completedAt),
    traceId: payment.traceId,
    paymentId: payment.paymentId,
    amount: payment.amount,
    method: payment.method,
    order: paidOrder,
  });
  return {
    msgId: documentSourceOf({ paymentId: payment.paymentId, refundId: "" }),
    subject: paymentCompletedSubject(paidOrder.orderId),
    payload: toBinary(PaymentCompletedSchema, event),
    traceparent,
  };
}

/** PaymentRefunded carries the refunded lines and their totals: the credit note is issued from it. */
export function paymentRefundedEntry(refund: RefundRecord, plan: RefundPlan, order: Order, traceparent: string): OutboxEntry {
  const event = create(PaymentRefundedSchema, {
    eventId: `payment-refunded:${refund.refundId}`,
    occurredAt: timestampFromDate(refund.refundedAt),
    traceId: refund.traceId,
    refundId: refund.refundId,
    paymentId: refund.paymentId,
    orderId: refund.orderId,
    items: plan.items,
    amount: plan.amount,
    currency: order.currency,
    reason: refund.reason,
    totals: plan.totals,
  });
  return {
    // Prefixed: payment ids and refund ids share the PAYMENTS stream's dedupe window.
    msgId: documentSourceOf({ paymentId: refund.paymentId, refundId: refund.refundId }),
    subject: paymentRefundedSubject(order.orderId),
    payload: toBinary(PaymentRefundedSchema, event),
    traceparent,
  };
}

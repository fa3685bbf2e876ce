import { create } from "@bufbuild/protobuf";
import { OrderSchema, OrderStatus, PaymentMethod, RefundLineSchema, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { randomUUID } from "node:crypto";
import type { OrderStore } from "../payments/order-store.js";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import { decidePayment, type PaymentDecision } from "../payments/payment-decision.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import { decideRefund, type RefundDecision } from "../payments/refund-decision.js";

// What the order store contract suite writes: an order of two 5.00 units at 19 % (11.90),
// paid in full, and events whose bytes are beside the point. Decisions are the real rules.

export const order = (): Order =>
  create(OrderSchema, {
    orderId: `ord_${randomUUID()}`,
    customer: { customerId: "c1", name: "Ada", email: "ada@example.com" },
    items: [{ description: "Widget", quantity: 2n, unitPrice: 500n, taxRateBps: 1900 }],
    currency: "EUR",
    locale: "de-DE",
    status: OrderStatus.AWAITING_PAYMENT,
    total: 1190n,
  });

export const payment = (orderId: string, paymentId = `pay_${randomUUID()}`): PaymentRecord => ({
  paymentId,
  orderId,
  amount: 1190n,
  method: PaymentMethod.CARD,
  traceId: "0af7651916cd43dd8448eb211c80319c",
  completedAt: new Date(1_764_000_000_000),
});

export const event = (msgId: string): OutboxEntry => ({
  msgId,
  subject: "payments.completed.x",
  payload: new Uint8Array([1, 2, 3]),
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
});

/** Pays as the service does: the payment rules decide, a recorded payment queues `event(paymentId)`. */
export const pay = (store: OrderStore, p: PaymentRecord): Promise<PaymentDecision> =>
  store.completePayment<PaymentDecision>(p.paymentId, p.orderId, (state) => {
    const decision = decidePayment(state, p);
    if (decision.outcome !== "recorded") return { answer: decision };
    return { answer: decision, write: { payment: decision.payment, paidOrder: decision.paidOrder, event: event(p.paymentId) } };
  });

/** Refunds one unit of the first line as the service does, queuing `event("refund:<id>")`. */
export const refundOneUnit = (store: OrderStore, refundId: string, paymentId: string): Promise<RefundDecision> =>
  store.recordRefund<RefundDecision>(refundId, paymentId, (state) => {
    const attempt = {
      refundId,
      paymentId,
      lines: [create(RefundLineSchema, { itemIndex: 0, quantity: 1n })],
      reason: "broken",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      refundedAt: new Date(),
    };
    const decision = decideRefund(state, attempt);
    if (decision.outcome !== "recorded") return { answer: decision };
    return { answer: decision, write: { refund: decision.refund, event: event(`refund:${refundId}`) } };
  });

/** `n` orders, each paid, each payment's event queued; their payment ids in order. */
export async function paidPayments(store: OrderStore, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = order();
    await store.createOrder(o);
    const p = payment(o.orderId);
    ids.push(p.paymentId);
    await pay(store, p);
  }
  return ids;
}

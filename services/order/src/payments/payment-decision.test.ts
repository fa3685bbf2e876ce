import { create } from "@bufbuild/protobuf";
import { OrderSchema, OrderStatus, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decidePayment, repeatedPayment, type PaymentAttempt } from "./payment-decision.js";
import type { PaymentRecord } from "./payment-record.js";

const order = create(OrderSchema, { orderId: "ord_1", total: 1190n, currency: "EUR", status: OrderStatus.AWAITING_PAYMENT });
const attempt: PaymentAttempt = {
  paymentId: "pay_1",
  orderId: "ord_1",
  amount: 1190n,
  method: PaymentMethod.CARD,
  traceId: "t1",
  completedAt: new Date(1_764_000_000_000),
};
const recorded = (fields: Partial<PaymentRecord> = {}): PaymentRecord => ({ ...attempt, traceId: "t0", ...fields });
const nothing = { samePayment: undefined, order: undefined, orderPayment: undefined };

describe("decidePayment", () => {
  it("records a payment of the order's total and marks the order paid, leaving the order read untouched", () => {
    const decision = decidePayment({ ...nothing, order }, attempt);
    assert.equal(decision.outcome, "recorded");
    assert.ok(decision.outcome === "recorded");
    assert.deepEqual(decision.payment, attempt);
    assert.equal(decision.paidOrder.status, OrderStatus.PAID);
    assert.equal(decision.paidOrder.total, 1190n);
    assert.equal(order.status, OrderStatus.AWAITING_PAYMENT);
  });

  it("answers a repeated payment id with the first payment, whatever the retry says", () => {
    const first = recorded();
    const decision = decidePayment({ samePayment: first, order, orderPayment: first }, { ...attempt, amount: 1n, traceId: "t9" });
    assert.deepEqual(decision, { outcome: "duplicate", payment: first });
  });

  it("knows its own racing repeat when the store saw it only as the order's payment", () => {
    // Written between the store's read by payment id (nothing) and its read by order.
    const first = recorded();
    assert.deepEqual(decidePayment({ ...nothing, order, orderPayment: first }, attempt), { outcome: "duplicate", payment: first });
  });

  it("refuses a payment id already used for another order", () => {
    const other = recorded({ orderId: "ord_2" });
    assert.deepEqual(decidePayment({ ...nothing, samePayment: other, order }, attempt), { outcome: "payment-id-taken", payment: other });
    assert.equal(repeatedPayment(other, "ord_1").outcome, "payment-id-taken");
    assert.equal(repeatedPayment(other, "ord_2").outcome, "duplicate");
  });

  it("finds no order to pay", () => {
    assert.deepEqual(decidePayment(nothing, attempt), { outcome: "order-not-found" });
  });

  it("refuses an amount other than the order's total, above or below", () => {
    assert.deepEqual(decidePayment({ ...nothing, order }, { ...attempt, amount: 1189n }), { outcome: "amount-mismatch", total: 1190n });
    assert.deepEqual(decidePayment({ ...nothing, order }, { ...attempt, amount: 1191n }), { outcome: "amount-mismatch", total: 1190n });
  });

  it("refuses a second payment of a paid order, naming the payment that paid it", () => {
    const winner = recorded({ paymentId: "pay_0" });
    assert.deepEqual(decidePayment({ ...nothing, order, orderPayment: winner }, attempt), {
      outcome: "order-already-paid",
      payment: winner,
    });
  });

  it("checks the amount before the paid state, as the service always answered", () => {
    const winner = recorded({ paymentId: "pay_0" });
    assert.equal(decidePayment({ ...nothing, order, orderPayment: winner }, { ...attempt, amount: 5n }).outcome, "amount-mismatch");
  });
});

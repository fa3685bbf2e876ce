import { create } from "@bufbuild/protobuf";
import { OrderSchema, PaymentMethod, RefundLineSchema } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { computeTotals } from "@invoicing/money";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PaymentRecord } from "./payment-record.js";
import { decideRefund, type RefundAttempt } from "./refund-decision.js";
import { RefundLineInvalid, RefundRefused } from "./refund-errors.js";
import type { RefundRecord } from "./refund-record.js";

const items = [{ description: "Book", quantity: 2n, unitPrice: 1000n, taxRateBps: 700 }];
const order = create(OrderSchema, { orderId: "ord_1", items, currency: "EUR", total: computeTotals(items).gross });
const payment: PaymentRecord = {
  paymentId: "pay_1",
  orderId: "ord_1",
  amount: order.total,
  method: PaymentMethod.CARD,
  traceId: "t",
  completedAt: new Date(),
};
const attempt: RefundAttempt = {
  refundId: "ref_1",
  paymentId: "pay_1",
  lines: [create(RefundLineSchema, { itemIndex: 0, quantity: 1n })],
  reason: "damaged",
  traceId: "t2",
  refundedAt: new Date(1_764_000_000_000),
};
const earlier = (fields: Partial<RefundRecord> = {}): RefundRecord => ({
  refundId: "ref_0",
  paymentId: "pay_1",
  orderId: "ord_1",
  lines: [{ itemIndex: 0, quantity: 1n }],
  amount: 1070n,
  reason: "",
  traceId: "t0",
  refundedAt: new Date(1),
  ...fields,
});
const state = { sameRefund: undefined, payment, order, earlier: [] as RefundRecord[] };

describe("decideRefund", () => {
  it("records a refund of the lines asked for, priced like the invoice, with the attempt's trace and reason", () => {
    const decision = decideRefund(state, attempt);
    assert.ok(decision.outcome === "recorded");
    assert.equal(decision.refund.amount, 1070n);
    assert.deepEqual(decision.refund.lines, [{ itemIndex: 0, quantity: 1n }]);
    assert.equal(decision.refund.traceId, "t2");
    assert.equal(decision.refund.reason, "damaged");
    assert.equal(decision.refund.orderId, "ord_1");
    assert.equal(decision.plan.totals.gross, 1070n);
    assert.equal(decision.order, order);
  });

  it("answers a repeated refund id with the first refund", () => {
    const first = earlier({ refundId: "ref_1" });
    assert.deepEqual(decideRefund({ ...state, sameRefund: first }, attempt), { outcome: "duplicate", refund: first });
  });

  it("knows its own racing repeat when the store saw it only among the earlier refunds", () => {
    // Both items refunded by the first call: counted against itself it would be refused.
    const first = earlier({ refundId: "ref_1", lines: [{ itemIndex: 0, quantity: 2n }], amount: 2140n });
    const all = { ...attempt, lines: [create(RefundLineSchema, { itemIndex: 0, quantity: 2n })] };
    assert.deepEqual(decideRefund({ ...state, earlier: [first] }, all), { outcome: "duplicate", refund: first });
  });

  it("refuses a refund id already used for another payment", () => {
    const other = earlier({ refundId: "ref_1", paymentId: "pay_9" });
    assert.deepEqual(decideRefund({ ...state, sameRefund: other }, attempt), { outcome: "refund-id-taken", refund: other });
  });

  it("finds no payment to refund", () => {
    assert.deepEqual(decideRefund({ sameRefund: undefined, payment: undefined, order: undefined, earlier: [] }, attempt), {
      outcome: "payment-not-found",
    });
  });

  it("refuses more than the earlier refunds left, naming the line's quantity", () => {
    const two = { ...attempt, lines: [create(RefundLineSchema, { itemIndex: 0, quantity: 2n })] };
    assert.throws(
      () => decideRefund({ ...state, earlier: [earlier()] }, two),
      (error: unknown) => error instanceof RefundRefused && error.message.startsWith("lines[0].quantity: only 1 of item 0 left"),
    );
  });

  it("refuses a line that names no item, naming the field", () => {
    const past = { ...attempt, lines: [create(RefundLineSchema, { itemIndex: 3, quantity: 1n })] };
    assert.throws(
      () => decideRefund(state, past),
      (error: unknown) => error instanceof RefundLineInvalid && error.field === "lines[0].item_index",
    );
  });
});

import { create } from "@bufbuild/protobuf";
import { TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { OrderSchema, PaymentMethod, RefundLineSchema } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { computeTotals } from "@invoicing/money";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RefundLineInvalid, RefundRefused } from "./refund-errors.js";
import type { RefundRecord } from "./refund-record.js";
import { planRefund } from "./refund-plan.js";

const items = [
  { description: "Book", quantity: 3n, unitPrice: 1999n, taxRateBps: 700 },
  { description: "Lamp", quantity: 1n, unitPrice: 4990n, taxRateBps: 1900 },
];
const order = create(OrderSchema, { orderId: "ord_1", items, currency: "EUR", total: computeTotals(items).gross });
const payment = {
  paymentId: "pay_1",
  orderId: "ord_1",
  amount: order.total,
  method: PaymentMethod.CARD,
  traceId: "t",
  completedAt: new Date(),
};
const line = (itemIndex: number, quantity: bigint) => create(RefundLineSchema, { itemIndex, quantity });
const earlierRefund = (lines: RefundRecord["lines"], amount: bigint): RefundRecord => ({
  refundId: "ref_0",
  paymentId: "pay_1",
  orderId: "ord_1",
  lines,
  amount,
  reason: "",
  traceId: "t",
  refundedAt: new Date(),
});

describe("planRefund", () => {
  it("refunds everything on an empty request: the amount is the order total", () => {
    const plan = planRefund({ order, payment, earlier: [] }, []);
    assert.equal(plan.amount, order.total);
    assert.deepEqual(plan.lines, [
      { itemIndex: 0, quantity: 3n },
      { itemIndex: 1, quantity: 1n },
    ]);
    assert.equal(plan.items[0]?.description, "Book");
  });

  it("prices a partial refund like an invoice: tax once per rate", () => {
    const plan = planRefund({ order, payment, earlier: [] }, [line(0, 2n)]);
    // 2 x 19.99 = 39.98 net, 7 % = 2.7986 -> 2.80
    assert.equal(plan.amount, 3998n + 280n);
    assert.equal(plan.totals.gross, plan.amount);
    assert.deepEqual(plan.totals.taxLines, [{ rateBps: 700, net: 3998n, tax: 280n, category: TaxCategory.STANDARD, exemptionReason: "" }]);
    assert.equal(plan.items[0]?.quantity, 2n);
    assert.equal(plan.items[0]?.unitPrice, 1999n);
  });

  it("refunds only what earlier refunds left, and a full refund takes the rest", () => {
    const earlier = [earlierRefund([{ itemIndex: 0, quantity: 2n }], 4278n)];
    assert.throws(() => planRefund({ order, payment, earlier }, [line(0, 2n)]), RefundRefused);
    const rest = planRefund({ order, payment, earlier }, []);
    assert.deepEqual(rest.lines, [
      { itemIndex: 0, quantity: 1n },
      { itemIndex: 1, quantity: 1n },
    ]);
  });

  it("refuses a refund of a fully refunded payment", () => {
    const earlier = [
      earlierRefund(
        [
          { itemIndex: 0, quantity: 3n },
          { itemIndex: 1, quantity: 1n },
        ],
        order.total,
      ),
    ];
    assert.throws(() => planRefund({ order, payment, earlier }, []), /already fully refunded/);
  });

  it("names the line that points past the order's items", () => {
    assert.throws(
      () => planRefund({ order, payment, earlier: [] }, [line(0, 1n), line(5, 1n)]),
      (error: unknown) => error instanceof RefundLineInvalid && error.field === "lines[1].item_index",
    );
  });

  it("lets refunds in parts add up to exactly the payment", () => {
    let earlier: RefundRecord[] = [];
    for (const [index, quantity] of [
      [0, 1n],
      [0, 1n],
      [1, 1n],
      [0, 1n],
    ] as const) {
      const plan = planRefund({ order, payment, earlier }, [line(index, quantity)]);
      earlier = [...earlier, earlierRefund(plan.lines, plan.amount)];
    }
    assert.equal(
      earlier.reduce((sum, r) => sum + r.amount, 0n),
      payment.amount,
    );
  });

  it("never pays back more than was paid", () => {
    // Earlier refunds claim the whole amount although one unit is still on the books.
    const earlier = [earlierRefund([{ itemIndex: 0, quantity: 2n }], order.total)];
    assert.throws(() => planRefund({ order, payment, earlier }, [line(0, 1n)]), /would exceed the payment/);
  });
});

import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { LineItemSchema } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { OrderStatus } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newOrder } from "./new-order.js";

const items = [
  create(LineItemSchema, { description: "Book", quantity: 3n, unitPrice: 1999n, taxRateBps: 700 }),
  create(LineItemSchema, { description: "Lamp", quantity: 1n, unitPrice: 4990n, taxRateBps: 1900 }),
];

describe("newOrder", () => {
  it("awaits payment, totals its lines with tax once per rate and stamps the time given", () => {
    const now = new Date(1_764_000_000_000);
    const order = newOrder({ customer: undefined, items, currency: "EUR", locale: "de-DE" }, now);
    assert.equal(order.status, OrderStatus.AWAITING_PAYMENT);
    // 59.97 + 7 % (4.20) + 49.90 + 19 % (9.48)
    assert.equal(order.total, 5997n + 420n + 4990n + 948n);
    assert.equal(timestampDate(order.createdAt!).getTime(), now.getTime());
    assert.equal(order.locale, "de-DE");
  });

  it("gives each order its own id and defaults the locale to en-US", () => {
    const [a, b] = [
      newOrder({ customer: undefined, items, currency: "EUR", locale: "" }, new Date()),
      newOrder({ customer: undefined, items, currency: "EUR", locale: "" }, new Date()),
    ];
    assert.match(a.orderId, /^ord_[0-9a-f]{32}$/);
    assert.notEqual(a.orderId, b.orderId);
    assert.equal(a.locale, "en-US");
  });
});

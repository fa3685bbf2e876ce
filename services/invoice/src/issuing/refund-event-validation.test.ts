import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { refundTotals } from "@invoicing/money";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validatePaymentRefunded } from "./refund-event-validation.js";

const unit = { description: "Cable", quantity: 1n, unitPrice: 35n, taxRateBps: 1900 };

function event(before: (typeof unit)[]) {
  const totals = refundTotals(before, [unit]);
  return create(PaymentRefundedSchema, {
    refundId: "ref_1",
    paymentId: "pay_1",
    orderId: "ord_1",
    traceId: "0af7651916cd43dd8448eb211c80319c",
    occurredAt: timestampNow(),
    currency: "EUR",
    items: [unit],
    amount: totals.gross,
    totals,
  });
}

describe("validatePaymentRefunded", () => {
  it("accepts the totals the order service spreads rounding with", () => {
    assert.equal(validatePaymentRefunded(event([])), undefined);
    assert.equal(validatePaymentRefunded(event([unit, unit])), undefined, "the third part's tax is 6, not 7");
  });

  it("names what does not add up", () => {
    const wrongTax = event([]);
    wrongTax.totals!.taxLines[0]!.tax += 2n;
    assert.match(validatePaymentRefunded(wrongTax) ?? "", /totals\.tax_lines\[0\]\.tax/);
    const wrongAmount = event([]);
    wrongAmount.amount += 1n;
    assert.match(validatePaymentRefunded(wrongAmount) ?? "", /^amount:/);
    const noTotals = event([]);
    noTotals.totals = undefined;
    assert.equal(validatePaymentRefunded(noTotals), "totals: must be set");
    const otherRate = event([]);
    otherRate.totals!.taxLines[0]!.rateBps = 700;
    assert.match(validatePaymentRefunded(otherRate) ?? "", /totals\.tax_lines\[0\]: net/);
  });
});

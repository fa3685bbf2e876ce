import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeTotals, taxCategoryOf, taxFor, refundTotals } from "./totals.js";
import { TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";

describe("taxFor", () => {
  it("rounds half away from zero", () => {
    assert.equal(taxFor(50n, 1000), 5n); // exact
    assert.equal(taxFor(5n, 1000), 1n); // 0.5 -> 1
    assert.equal(taxFor(4n, 1000), 0n); // 0.4 -> 0
    assert.equal(taxFor(-5n, 1000), -1n); // -0.5 -> -1 (credit amounts)
    assert.equal(taxFor(1n, 1900), 0n); // 0.19 -> 0
    assert.equal(taxFor(3n, 1900), 1n); // 0.57 -> 1
  });

  it("stays exact beyond 2^53", () => {
    const big = 2n ** 60n;
    assert.equal(taxFor(big, 10_000), big);
    assert.equal(taxFor(big + 1n, 5_000), (big + 2n) / 2n);
  });
});

describe("computeTotals", () => {
  it("rounds once per rate, not per line", () => {
    // Three lines of 0.05 at 10 %: per line 0.005 -> 0.01 each (0.03); per rate 0.015 -> 0.02.
    const totals = computeTotals([
      { quantity: 1n, unitPrice: 5n, taxRateBps: 1000 },
      { quantity: 1n, unitPrice: 5n, taxRateBps: 1000 },
      { quantity: 1n, unitPrice: 5n, taxRateBps: 1000 },
    ]);
    assert.deepEqual(totals, {
      net: 15n,
      tax: 2n,
      gross: 17n,
      taxLines: [{ rateBps: 1000, net: 15n, tax: 2n, category: TaxCategory.STANDARD, exemptionReason: "" }],
    });
  });

  it("breaks tax down per rate, ascending, on a multi-rate invoice", () => {
    const totals = computeTotals([
      { quantity: 2n, unitPrice: 1999n, taxRateBps: 1900 }, // 39.98 @19% = 7.5962 -> 7.60
      { quantity: 3n, unitPrice: 450n, taxRateBps: 700 }, // 13.50 @7% = 0.945 -> 0.95
      { quantity: 1n, unitPrice: 1001n, taxRateBps: 1900 }, // +10.01 -> 49.99 @19% = 9.4981 -> 9.50
      { quantity: 1n, unitPrice: 500n, taxRateBps: 0 },
    ]);
    assert.deepEqual(totals.taxLines, [
      { rateBps: 0, net: 500n, tax: 0n, category: TaxCategory.ZERO_RATED, exemptionReason: "" },
      { rateBps: 700, net: 1350n, tax: 95n, category: TaxCategory.STANDARD, exemptionReason: "" },
      { rateBps: 1900, net: 4999n, tax: 950n, category: TaxCategory.STANDARD, exemptionReason: "" },
    ]);
    assert.equal(totals.net, 6849n);
    assert.equal(totals.tax, 1045n);
    assert.equal(totals.gross, 7894n);
  });

  it("keeps one breakdown per category at one rate, with the category's exemption reason", () => {
    const exempt = "Steuerfrei nach § 4 Nr. 14 UStG";
    const totals = computeTotals([
      { quantity: 1n, unitPrice: 1000n, taxRateBps: 1900 },
      { quantity: 1n, unitPrice: 300n, taxRateBps: 0, taxCategory: TaxCategory.EXEMPT, taxExemptionReason: exempt },
      { quantity: 2n, unitPrice: 100n, taxRateBps: 0 },
      { quantity: 1n, unitPrice: 700n, taxRateBps: 0, taxCategory: TaxCategory.EXEMPT, taxExemptionReason: exempt },
      { quantity: 1n, unitPrice: 50n, taxRateBps: 1900, taxCategory: TaxCategory.STANDARD },
    ]);
    assert.deepEqual(totals.taxLines, [
      { rateBps: 0, net: 200n, tax: 0n, category: TaxCategory.ZERO_RATED, exemptionReason: "" },
      { rateBps: 0, net: 1000n, tax: 0n, category: TaxCategory.EXEMPT, exemptionReason: exempt },
      { rateBps: 1900, net: 1050n, tax: 200n, category: TaxCategory.STANDARD, exemptionReason: "" },
    ]);
    assert.equal(totals.gross, 2450n);
  });

  it("reads a line without a category as standard above a zero rate and zero rated at 0", () => {
    assert.equal(taxCategoryOf({ taxRateBps: 700 }), TaxCategory.STANDARD);
    assert.equal(taxCategoryOf({ taxRateBps: 0, taxCategory: TaxCategory.UNSPECIFIED }), TaxCategory.ZERO_RATED);
    assert.equal(taxCategoryOf({ taxRateBps: 0, taxCategory: TaxCategory.REVERSE_CHARGE }), TaxCategory.REVERSE_CHARGE);
  });

  it("works in a zero-decimal currency (JPY amounts are whole yen)", () => {
    // 3 x 333 yen at 10 % = 999 -> 99.9 -> 100 yen tax.
    const totals = computeTotals([{ quantity: 3n, unitPrice: 333n, taxRateBps: 1000 }]);
    assert.equal(totals.tax, 100n);
    assert.equal(totals.gross, 1099n);
  });

  it("gives zero totals for no lines", () => {
    assert.deepEqual(computeTotals([]), { net: 0n, tax: 0n, gross: 0n, taxLines: [] });
  });
});

describe("refundTotals", () => {
  const line = (quantity: bigint, unitPrice: bigint, taxRateBps: number) => ({ quantity, unitPrice, taxRateBps });

  it("prices a first refund like an invoice of its lines", () => {
    const refund = [line(2n, 1999n, 700), line(1n, 4990n, 1900)];
    assert.deepEqual(refundTotals([], refund), computeTotals(refund));
  });

  it("makes refunds in parts add up to exactly the invoice, where rounding each part would not", () => {
    // 3 x 0.35 at 19 %: each unit's tax is 0.0665 -> 0.07, three units 0.1995 -> 0.20.
    const unit = line(1n, 35n, 1900);
    const invoice = computeTotals([line(3n, 35n, 1900)]);
    assert.equal(computeTotals([unit]).tax * 3n, 21n, "rounded per part: a cent too much");
    const parts = [0, 1, 2].map((i) =>
      refundTotals(
        Array.from({ length: i }, () => unit),
        [unit],
      ),
    );
    assert.equal(
      parts.reduce((sum, t) => sum + t.tax, 0n),
      invoice.tax,
    );
    assert.equal(
      parts.reduce((sum, t) => sum + t.gross, 0n),
      invoice.gross,
    );
    for (const part of parts) assert.ok(part.tax === 6n || part.tax === 7n, `each part near its own tax, got ${part.tax}`);
  });

  it("keeps rates apart: earlier refunds at another rate change nothing", () => {
    const refund = [line(1n, 1000n, 1900)];
    assert.deepEqual(refundTotals([line(5n, 333n, 700)], refund), computeTotals(refund));
  });
});

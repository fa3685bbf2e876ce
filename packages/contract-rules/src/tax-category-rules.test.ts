import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { CustomerSchema, LineItemSchema, TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lineItemsProblem } from "./line-item-rules.js";
import { buyerVatIdProblem } from "./tax-category-rules.js";

const item = (init: MessageInitShape<typeof LineItemSchema> = {}) =>
  create(LineItemSchema, { description: "Consulting", quantity: 1n, unitPrice: 10_000n, taxRateBps: 1900, ...init });
const exempt = (reason = "Steuerfrei nach § 4 Nr. 21 UStG") =>
  item({ taxRateBps: 0, taxCategory: TaxCategory.EXEMPT, taxExemptionReason: reason });
const reverseCharge = () =>
  item({ taxRateBps: 0, taxCategory: TaxCategory.REVERSE_CHARGE, taxExemptionReason: "Reverse charge, Art. 196 VAT Directive" });

describe("VAT categories of the lines", () => {
  it("accepts each category with the rate and reason it needs, and a line from before categories at either rate", () => {
    const lines = [
      item(),
      item({ taxCategory: TaxCategory.STANDARD, taxRateBps: 700, unitCode: "HUR" }),
      item({ taxRateBps: 0 }),
      item({ taxCategory: TaxCategory.ZERO_RATED, taxRateBps: 0 }),
      exempt(),
      exempt(),
      reverseCharge(),
      item({ taxCategory: TaxCategory.INTRA_COMMUNITY, taxRateBps: 0, taxExemptionReason: "Intra-community supply" }),
      item({ taxCategory: TaxCategory.EXPORT, taxRateBps: 0, taxExemptionReason: "Export outside the EU" }),
    ];
    assert.equal(lineItemsProblem(lines, "items"), undefined);
  });

  it("names the field of a rate, reason, category or unit that does not fit", () => {
    const cases: Array<[ReturnType<typeof item>, string, RegExp]> = [
      [item({ taxCategory: TaxCategory.STANDARD, taxRateBps: 0 }), "items[0].tax_rate_bps", /above 0 for TAX_CATEGORY_STANDARD/],
      [
        item({ taxCategory: TaxCategory.EXEMPT, taxRateBps: 700, taxExemptionReason: "x" }),
        "items[0].tax_rate_bps",
        /must be 0 for TAX_CATEGORY_EXEMPT/,
      ],
      [exempt(""), "items[0].tax_exemption_reason", /must be set: TAX_CATEGORY_EXEMPT states why/],
      [item({ taxCategory: TaxCategory.EXPORT, taxRateBps: 0 }), "items[0].tax_exemption_reason", /TAX_CATEGORY_EXPORT/],
      [exempt("x".repeat(301)), "items[0].tax_exemption_reason", /at most 300/],
      [item({ taxExemptionReason: "why not" }), "items[0].tax_exemption_reason", /must be empty for TAX_CATEGORY_STANDARD/],
      [item({ taxCategory: 42 as TaxCategory }), "items[0].tax_category", /must be a TaxCategory, got 42/],
      [item({ unitCode: "hours" }), "items[0].unit_code", /Recommendation 20/],
      [item({ unitCode: "QQQ" }), "items[0].unit_code", /got "QQQ"/],
    ];
    for (const [line, field, problem] of cases) {
      const found = lineItemsProblem([line], "items");
      assert.equal(found?.field, field, JSON.stringify(found));
      assert.match(found?.problem ?? "", problem);
    }
  });

  it("refuses two reasons for one category, since its lines share one VAT breakdown", () => {
    const found = lineItemsProblem([exempt("§ 4 Nr. 14 UStG"), item(), exempt("§ 4 Nr. 21 UStG")], "order.items");
    assert.equal(found?.field, "order.items[2].tax_exemption_reason");
    assert.match(found?.problem ?? "", /must equal order\.items\[0\]'s/);
  });

  it("keeps a line not subject to VAT alone in its category on its document", () => {
    const notSubject = item({ taxRateBps: 0, taxCategory: TaxCategory.NOT_SUBJECT, taxExemptionReason: "Echter Schadensersatz" });
    assert.equal(lineItemsProblem([notSubject, notSubject], "items"), undefined);
    const found = lineItemsProblem([notSubject, item()], "items");
    assert.equal(found?.field, "items[1].tax_category");
    assert.match(found?.problem ?? "", /must be TAX_CATEGORY_NOT_SUBJECT like items\[0\]/);
    assert.equal(
      lineItemsProblem([item({ taxRateBps: 0, taxCategory: TaxCategory.NOT_SUBJECT })], "items")?.field,
      "items[0].tax_exemption_reason",
    );
  });

  it("asks for the buyer's VAT id on a reverse-charge or intra-community invoice, and only there", () => {
    const buyer = (vatId: string) => create(CustomerSchema, { customerId: "c", name: "Acme SARL", vatId });
    const found = buyerVatIdProblem(buyer(""), "customer", [item(), reverseCharge()], "items");
    assert.deepEqual(found, {
      field: "customer.vat_id",
      problem: "must be set: items[1] is TAX_CATEGORY_REVERSE_CHARGE, which names the buyer's VAT id",
    });
    assert.equal(buyerVatIdProblem(buyer("FR12345678901"), "customer", [reverseCharge()], "items"), undefined);
    assert.equal(buyerVatIdProblem(buyer(""), "customer", [item(), exempt()], "items"), undefined);
  });
});

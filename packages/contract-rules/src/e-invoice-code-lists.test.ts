import { invoiceSchema } from "@e-invoice-eu/core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { E_INVOICE_COUNTRIES, E_INVOICE_CURRENCIES, E_INVOICE_UNITS } from "./e-invoice-code-lists.js";
import { eInvoiceCodeListsOf } from "./e-invoice-code-lists-source.js";

describe("the e-invoice code lists the rules check", () => {
  it("are the e-invoice library's own (run scripts/refresh-e-invoice-code-lists.ts when this fails)", () => {
    const library = eInvoiceCodeListsOf(invoiceSchema);
    assert.deepEqual([...E_INVOICE_COUNTRIES], library.countries);
    assert.deepEqual([...E_INVOICE_UNITS], library.units);
    assert.deepEqual([...E_INVOICE_CURRENCIES], library.currencies);
  });

  it("hold what the scenarios use and leave out what is no code", () => {
    for (const country of ["DE", "FR", "AT", "US", "GB"]) assert.ok(E_INVOICE_COUNTRIES.has(country), country);
    for (const unit of ["C62", "HUR", "DAY", "KGM"]) assert.ok(E_INVOICE_UNITS.has(unit), unit);
    assert.ok(E_INVOICE_CURRENCIES.has("EUR") && E_INVOICE_CURRENCIES.has("JPY"));
    for (const country of ["XX", "UK", "EU"]) assert.ok(!E_INVOICE_COUNTRIES.has(country), country);
    assert.ok(!E_INVOICE_UNITS.has("QQQ") && !E_INVOICE_CURRENCIES.has("DEM"));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { currencyProblem } from "./money-rules.js";

describe("currencyProblem", () => {
  it("takes the currencies an e-invoice can state, with zero or two decimals", () => {
    for (const currency of ["EUR", "USD", "JPY", "CHF"]) assert.equal(currencyProblem(currency, "currency"), undefined, currency);
  });

  it("names the field for a code that is none, and for a currency with three decimals no e-invoice can state", () => {
    assert.match(currencyProblem("EURO", "currency")?.problem ?? "", /ISO 4217/);
    assert.match(currencyProblem("DEM", "order.currency")?.problem ?? "", /ISO 4217/);
    for (const currency of ["KWD", "BHD", "JOD"]) {
      assert.deepEqual(currencyProblem(currency, "currency"), {
        field: "currency",
        problem: `${currency} has 3 decimals; an e-invoice states amounts with at most two`,
      });
    }
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { decimalAmount, percentFromBps } from "./decimal-amount.js";

test("minor units become the currency's decimal amount", () => {
  assert.equal(decimalAmount(3998n, "EUR"), "39.98");
  assert.equal(decimalAmount(5n, "EUR"), "0.05");
  assert.equal(decimalAmount(0n, "EUR"), "0.00");
  assert.equal(decimalAmount(-150n, "EUR"), "-1.50");
  assert.equal(decimalAmount(1500n, "JPY"), "1500");
  assert.equal(decimalAmount(1234n, "KWD"), "1.234");
  assert.equal(decimalAmount(9_223_372_036_854_775_807n, "EUR"), "92233720368547758.07");
});

test("basis points become the percentage without trailing zeros", () => {
  assert.equal(percentFromBps(1900), "19");
  assert.equal(percentFromBps(550), "5.5");
  assert.equal(percentFromBps(0), "0");
  assert.equal(percentFromBps(2125), "21.25");
});

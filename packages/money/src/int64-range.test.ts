import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { firstLineBeyondInt64, fitsInt64, INT64_MAX, INT64_MIN } from "./int64-range.js";

const line = (quantity: bigint, unitPrice: bigint, taxRateBps = 0) => ({ quantity, unitPrice, taxRateBps });

describe("fitsInt64", () => {
  it("holds exactly the int64 range", () => {
    assert.equal(fitsInt64(INT64_MAX), true);
    assert.equal(fitsInt64(INT64_MAX + 1n), false);
    assert.equal(fitsInt64(INT64_MIN), true);
    assert.equal(fitsInt64(INT64_MIN - 1n), false);
  });
});

describe("firstLineBeyondInt64", () => {
  it("finds nothing when every amount and total fits, up to the maximum itself", () => {
    assert.equal(firstLineBeyondInt64([line(3n, 333n, 1900), line(1n, 5n)]), undefined);
    assert.equal(firstLineBeyondInt64([line(1n, INT64_MAX - 1n), line(1n, 1n)]), undefined);
    assert.equal(firstLineBeyondInt64([]), undefined);
  });

  it("names a line whose quantity times unit price passes int64", () => {
    assert.equal(firstLineBeyondInt64([line(1n, 10n), line(2n, 2n ** 62n)]), 1);
  });

  it("names the line at which the sum of the lines passes int64", () => {
    const price = 10n ** 18n; // each line fits, nine of them do not
    const lines = Array.from({ length: 12 }, () => line(1n, price));
    assert.equal(firstLineBeyondInt64(lines), 9);
  });

  it("counts the tax: the gross passes int64 while the net does not", () => {
    const half = INT64_MAX / 2n + 1n;
    assert.ok(fitsInt64(half));
    assert.equal(firstLineBeyondInt64([line(1n, half, 0), line(1n, 1n, 0)]), undefined);
    assert.equal(firstLineBeyondInt64([line(1n, half, 10_000)]), 0, "100 % tax doubles it");
  });
});

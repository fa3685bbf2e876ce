import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LineItemSchema } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { lineItemsProblem, MAX_ITEMS } from "./line-item-rules.js";

const item = (init: Partial<{ description: string; quantity: bigint; unitPrice: bigint; taxRateBps: number }> = {}) =>
  create(LineItemSchema, { description: "Brass gear set", quantity: 2n, unitPrice: 8_999n, taxRateBps: 1900, ...init });

describe("lineItemsProblem", () => {
  it("accepts bounded lines", () => {
    assert.equal(lineItemsProblem([item(), item({ unitPrice: 0n, taxRateBps: 0 })], "items"), undefined);
  });

  it("refuses no lines, and more than the bound", () => {
    assert.equal(lineItemsProblem([], "order.items")?.problem, "must hold at least one line item");
    assert.match(
      lineItemsProblem(
        Array.from({ length: MAX_ITEMS + 1 }, () => item()),
        "items",
      )?.problem ?? "",
      /at most 500/,
    );
  });

  it("names the line and field that breaks a bound", () => {
    assert.equal(lineItemsProblem([item(), item({ quantity: 0n })], "items")?.field, "items[1].quantity");
    assert.equal(lineItemsProblem([item({ unitPrice: -1n })], "items")?.field, "items[0].unit_price");
    assert.equal(lineItemsProblem([item({ taxRateBps: 10_001 })], "items")?.field, "items[0].tax_rate_bps");
    assert.equal(lineItemsProblem([item({ description: "" })], "items")?.field, "items[0].description");
  });

  it("names the line at which the totals would pass int64", () => {
    const big = () => item({ quantity: 1_000_000n, unitPrice: 1_000_000_000_000n, taxRateBps: 0 });
    const problem = lineItemsProblem(Array.from({ length: 20 }, big), "items");
    assert.match(problem?.field ?? "", /^items\[\d+\]\.unit_price$/);
    assert.match(problem?.problem ?? "", /int64 maximum/);
  });
});

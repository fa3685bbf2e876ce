import type { LineItem } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { firstLineBeyondInt64, INT64_MAX } from "@invoicing/money";
import { type FieldProblem, textProblem } from "./field-problem.js";
import { lineTaxProblem, sharedReasonProblem } from "./tax-category-rules.js";

// Every string and number has a bound, so the largest order (and its PaymentCompleted, which
// carries the whole order) has a known size: the order service's request validation test
// builds it and checks it fits the order server's request limit and NATS max_payload.
export const MAX_ITEMS = 500;
const MAX_QUANTITY = 1_000_000n;
const MAX_UNIT_PRICE = 1_000_000_000_000n;

/**
 * The first rule the lines at `field` break: at least one, each bounded, each with a VAT
 * category its rate and reason agree with, their totals an int64.
 */
export function lineItemsProblem(items: readonly LineItem[], field: string): FieldProblem | undefined {
  if (items.length === 0) return { field, problem: "must hold at least one line item" };
  if (items.length > MAX_ITEMS) return { field, problem: `must hold at most ${MAX_ITEMS} line items` };
  for (const [i, item] of items.entries()) {
    const at = `${field}[${i}]`;
    const description = textProblem(item.description, `${at}.description`, 500);
    if (description) return description;
    if (item.quantity < 1n || item.quantity > MAX_QUANTITY) return { field: `${at}.quantity`, problem: "must be 1..1000000" };
    if (item.unitPrice < 0n || item.unitPrice > MAX_UNIT_PRICE)
      return { field: `${at}.unit_price`, problem: "must be 0..10^12 minor units" };
    if (item.taxRateBps < 0 || item.taxRateBps > 10_000) return { field: `${at}.tax_rate_bps`, problem: "must be 0..10000" };
    const tax = lineTaxProblem(item, at);
    if (tax) return tax;
  }
  const reasons = sharedReasonProblem(items, field);
  if (reasons) return reasons;
  // Each line is bounded above, but 500 of them are not: the total must still be an int64.
  const beyond = firstLineBeyondInt64(items);
  if (beyond !== undefined) {
    return {
      field: `${field}[${beyond}].unit_price`,
      problem: `the totals pass the int64 maximum of ${INT64_MAX} minor units at this line`,
    };
  }
  return undefined;
}

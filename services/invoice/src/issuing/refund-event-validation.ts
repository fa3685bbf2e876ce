import type { PaymentRefunded } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { currencyProblem, describeProblem, lineItemsProblem } from "@invoicing/contract-rules";
import { computeTotals, taxCategoryOf } from "@invoicing/money";

/** What a refund event must hold before a credit note number is spent on it; a problem is permanent. */
export function validatePaymentRefunded(event: PaymentRefunded): string | undefined {
  if (!event.refundId) return "refund_id: must be set";
  if (!event.paymentId) return "payment_id: must be set";
  if (!event.orderId) return "order_id: must be set";
  if (!/^[0-9a-f]{32}$/.test(event.traceId)) return "trace_id: must be 32 lowercase hex digits";
  if (!event.occurredAt) return "occurred_at: must be set";
  const problem = currencyProblem(event.currency, "currency") ?? lineItemsProblem(event.items, "items");
  if (problem) return describeProblem(problem);
  return totalsProblem(event);
}

/**
 * The refund's totals come from the order service (see PaymentRefunded.totals). Checked
 * against the lines: the same net per rate, and tax per rate within a cent of rounding
 * the refund on its own, which is all the spreading of rounding across refunds can move it.
 */
function totalsProblem(event: PaymentRefunded): string | undefined {
  const totals = event.totals;
  if (!totals) return "totals: must be set";
  const expected = computeTotals(event.items);
  if (totals.taxLines.length !== expected.taxLines.length) return "totals.tax_lines: one per rate of the items";
  for (const [i, line] of totals.taxLines.entries()) {
    const want = expected.taxLines[i]!;
    if (
      line.rateBps !== want.rateBps ||
      line.net !== want.net ||
      taxCategoryOf({ taxCategory: line.category, taxRateBps: line.rateBps }) !== want.category
    ) {
      return `totals.tax_lines[${i}]: net ${line.net} at ${line.rateBps} bps, the items give ${want.net} at ${want.rateBps} (category ${want.category})`;
    }
    const drift = line.tax - want.tax;
    if (drift > 1n || drift < -1n) return `totals.tax_lines[${i}].tax: ${line.tax} is not ${want.tax} ±1`;
  }
  const tax = totals.taxLines.reduce((sum, line) => sum + line.tax, 0n);
  if (totals.net !== expected.net || totals.tax !== tax || totals.gross !== totals.net + tax) {
    return "totals: net, tax and gross do not add up";
  }
  if (event.amount !== totals.gross) return `amount: ${event.amount} does not equal totals.gross ${totals.gross}`;
  return undefined;
}

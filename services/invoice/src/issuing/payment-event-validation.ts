import type { PaymentCompleted } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import type { LineItem } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { computeTotals, isCurrencyCode } from "@invoicing/money";

/**
 * What an event must hold before an invoice number is spent on it. A problem here is
 * permanent: the same bytes will never become valid, so the event is dead-lettered.
 */
export function validatePaymentCompleted(event: PaymentCompleted): string | undefined {
  if (!event.paymentId) return "payment_id: must be set";
  if (!/^[0-9a-f]{32}$/.test(event.traceId)) return "trace_id: must be 32 lowercase hex digits";
  if (!event.occurredAt) return "occurred_at: must be set";
  const order = event.order;
  if (!order) return "order: must be set";
  if (!order.orderId) return "order.order_id: must be set";
  if (!order.customer?.name) return "order.customer.name: must be set";
  if (!order.customer.customerId) return "order.customer.customer_id: must be set";
  if (!isCurrencyCode(order.currency)) return `order.currency: not an ISO 4217 code: "${order.currency}"`;
  if (order.items.length === 0) return "order.items: must not be empty";
  const itemProblem = lineItemProblem(order.items, "order.items");
  if (itemProblem) return itemProblem;
  const gross = computeTotals(order.items).gross;
  if (event.amount !== gross) return `amount: ${event.amount} does not equal the order total ${gross}`;
  return undefined;
}

export function lineItemProblem(items: readonly LineItem[], field: string): string | undefined {
  for (const [i, item] of items.entries()) {
    if (item.quantity <= 0n) return `${field}[${i}].quantity: must be positive`;
    if (item.unitPrice < 0n) return `${field}[${i}].unit_price: must not be negative`;
    if (item.taxRateBps < 0 || item.taxRateBps > 10_000) return `${field}[${i}].tax_rate_bps: must be 0..10000`;
  }
  return undefined;
}

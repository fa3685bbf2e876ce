import type { PaymentCompleted } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  buyerVatIdProblem,
  currencyProblem,
  customerProblem,
  describeProblem,
  lineItemsProblem,
  localeProblem,
} from "@invoicing/contract-rules";
import { computeTotals } from "@invoicing/money";

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
  // The order service's own rules for the order it took, checked again on what arrived.
  const problem =
    customerProblem(order.customer, "order.customer") ??
    lineItemsProblem(order.items, "order.items") ??
    buyerVatIdProblem(order.customer, "order.customer", order.items, "order.items") ??
    currencyProblem(order.currency, "order.currency") ??
    localeProblem(order.locale, "order.locale");
  if (problem) return describeProblem(problem);
  const gross = computeTotals(order.items).gross;
  if (event.amount !== gross) return `amount: ${event.amount} does not equal the order total ${gross}`;
  return undefined;
}

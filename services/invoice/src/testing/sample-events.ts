// Valid payment and refund events as the order service signs them, for unit tests that need
// one to issue from; each test breaks the field it is about.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  PaymentCompletedSchema,
  PaymentRefundedSchema,
  type PaymentCompleted,
  type PaymentRefunded,
} from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { LineItemSchema, type LineItem } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { DocumentKind, InvoiceSchema, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals, refundTotals } from "@invoicing/money";
import { newDocumentId } from "../issuing/document-id.js";
import type { NewInvoice } from "../issuing/invoice-store.js";
import { randomBytes, randomUUID } from "node:crypto";

export const sampleItems = (): LineItem[] =>
  [
    { description: "Widget", quantity: 2n, unitPrice: 1999n, taxRateBps: 1900 },
    { description: "Book", quantity: 1n, unitPrice: 1350n, taxRateBps: 700 },
  ].map((item) => create(LineItemSchema, item));

export function paymentCompleted(customerId = `cust_${randomUUID()}`): PaymentCompleted {
  const items = sampleItems();
  return create(PaymentCompletedSchema, {
    eventId: randomUUID(),
    occurredAt: timestampNow(),
    traceId: randomBytes(16).toString("hex"),
    paymentId: `pay_${randomUUID()}`,
    amount: computeTotals(items).gross,
    order: {
      orderId: `ord_${randomUUID()}`,
      customer: {
        customerId,
        name: "Ada Lovelace",
        email: "ada@example.com",
        billingAddress: { line1: "12 St James's Square", postalCode: "SW1Y 4JH", city: "London", countryCode: "GB" },
      },
      items,
      currency: "EUR",
      locale: "de-DE",
    },
  });
}

/** A refund of the payment's first line, once, priced as the order service prices it. */
export function paymentRefunded(payment: PaymentCompleted): PaymentRefunded {
  const order = payment.order!;
  const refunded = [create(LineItemSchema, { ...order.items[0]!, quantity: 1n })];
  const totals = refundTotals([], refunded);
  return create(PaymentRefundedSchema, {
    eventId: randomUUID(),
    occurredAt: timestampNow(),
    traceId: randomBytes(16).toString("hex"),
    refundId: `ref_${randomUUID()}`,
    paymentId: payment.paymentId,
    orderId: order.orderId,
    items: refunded,
    amount: totals.gross,
    currency: order.currency,
    reason: "arrived broken",
    totals,
  });
}

/** A new invoice for a payment of its own, in a series of its own, numbered in 2026. */
export function newInvoiceInput(): NewInvoice {
  const items = sampleItems();
  const totals = computeTotals(items);
  return {
    series: `F${randomUUID().slice(0, 6).toUpperCase()}`,
    clock: () => new Date(Date.UTC(2026, 2, 14, 9, 30)),
    invoice: create(InvoiceSchema, {
      invoiceId: newDocumentId(),
      kind: DocumentKind.INVOICE,
      status: InvoiceStatus.PENDING,
      paymentId: `pay_${randomUUID()}`,
      orderId: `ord_${randomUUID()}`,
      customer: {
        customerId: "c1",
        name: "Ada Lovelace",
        email: "ada@example.com",
        billingAddress: { line1: "12 St James's Square", postalCode: "SW1Y 4JH", city: "London", countryCode: "GB" },
      },
      items,
      currency: "EUR",
      locale: "en-US",
      totals: { net: totals.net, tax: totals.tax, gross: totals.gross, taxLines: totals.taxLines },
      traceId: "0af7651916cd43dd8448eb211c80319c",
    }),
  };
}

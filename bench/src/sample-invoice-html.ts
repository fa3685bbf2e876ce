import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DocumentKind, InvoiceSchema, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { CreateOrderRequestSchema } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { readConfig } from "@invoicing/invoice/config";
import { renderInvoiceHtml } from "@invoicing/invoice/invoice-template";
import { ensureEventKeys, eventKeyEnv } from "@invoicing/local-stack/event-keys";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeTotals } from "@invoicing/money";

/**
 * The HTML the invoice service renders for the pipeline's sample order (ten lines, two tax
 * rates): every part of the benchmark prints this same document.
 */
export function sampleInvoiceHtml(): string {
  const order = create(CreateOrderRequestSchema, sampleOrder("Bench Customer"));
  const totals = computeTotals(order.items);
  const invoice = create(InvoiceSchema, {
    invoiceId: "inv_bench",
    kind: DocumentKind.INVOICE,
    status: InvoiceStatus.PENDING,
    number: "INV-2026-000001",
    paymentId: "pay_bench",
    orderId: "ord_bench",
    customer: order.customer,
    items: order.items,
    currency: order.currency,
    locale: order.locale,
    totals: { net: totals.net, tax: totals.tax, gross: totals.gross, taxLines: totals.taxLines },
    issuedAt: timestampFromDate(new Date("2026-11-25T10:00:00Z")),
  });
  // The seller the invoice service prints by default; its configuration also insists on event
  // keys, so it is read with a throwaway set.
  const keys = eventKeyEnv(ensureEventKeys(mkdtempSync(join(tmpdir(), "bench-keys-"))));
  return renderInvoiceHtml(invoice, readConfig({ ...keys.invoice }).seller);
}

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DocumentKind, InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals } from "@invoicing/money";
import type { SellerDetails } from "../issuing/document-seller.js";
import { sampleItems } from "../testing/sample-events.js";

// A stored invoice and its credit note as the issuers write them, for the e-invoice tests.
export const sampleSeller: SellerDetails = {
  name: "Example Invoicing GmbH",
  addressLines: ["Musterstraße 1", "10115 Berlin", "DE"],
  vatId: "DE123456789",
  legalRegistrationId: "HRB 123456 B, Amtsgericht Charlottenburg",
  electronicAddress: "invoices@example.com",
  contactName: "Accounts receivable",
  contactPhone: "+49 30 0000000",
  contactEmail: "accounts@example.com",
};

export function sampleInvoiceRecord(overrides: Partial<Invoice> = {}): Invoice {
  const items = sampleItems();
  const record = create(InvoiceSchema, {
    invoiceId: "inv_1",
    number: "INV-2026-000042",
    status: InvoiceStatus.PENDING,
    paymentId: "pay_1",
    orderId: "ord_1",
    customer: {
      customerId: "cust_1",
      name: "Ada Lovelace",
      email: "ada@example.com",
      billingAddress: { line1: "12 St James's Square", postalCode: "SW1Y 4JH", city: "London", countryCode: "GB" },
    },
    items,
    currency: "EUR",
    locale: "de-DE",
    totals: computeTotals(items),
    issuedAt: timestampFromDate(new Date("2026-12-03T10:15:00Z")),
    kind: DocumentKind.INVOICE,
  });
  return Object.assign(record, overrides);
}

export function sampleCreditNoteRecord(): Invoice {
  return sampleInvoiceRecord({
    invoiceId: "cn_1",
    number: "CN-2026-000007",
    kind: DocumentKind.CREDIT_NOTE,
    refundId: "ref_1",
    refundReason: "Widget returned",
    creditedInvoiceId: "inv_1",
    creditedInvoiceNumber: "INV-2026-000042",
    issuedAt: timestampFromDate(new Date("2026-12-05T08:00:00Z")),
  });
}

import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  GetInvoicePdfResponseSchema,
  GetInvoiceResponseSchema,
  InvoiceSchema,
  InvoiceService,
  InvoiceStatus,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { createLogger } from "@invoicing/service-kit/observability";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invoiceServiceDocuments } from "../invoice-client/invoice-service-documents.js";
import { SqliteDeliveryLog } from "../store/sqlite-delivery-log.js";
import type { InvoiceMail, Mailer } from "./mailer.js";

// What the mail guarantee's tests share: one READY invoice, the invoice service in memory
// (Connect's router transport behind the real client adapter), a mail server that counts its
// sends, and a fresh SQLite delivery log.

export const pdf = Buffer.from("%PDF-1.7 an invoice");
export const invoice = create(InvoiceSchema, {
  invoiceId: "inv_1",
  number: "INV-2026-000001",
  status: InvoiceStatus.READY,
  customer: { name: "Ada", email: "ada@example.com" },
  currency: "EUR",
  totals: { gross: 1190n },
  pdfSha256: createHash("sha256").update(pdf).digest("hex"),
});
export const invoices = invoiceServiceDocuments(
  createClient(
    InvoiceService,
    createRouterTransport(({ service }) =>
      service(InvoiceService, {
        getInvoice: () => create(GetInvoiceResponseSchema, { invoice }),
        async *getInvoicePdf() {
          yield create(GetInvoicePdfResponseSchema, { chunk: pdf });
        },
        listInvoices: () => {
          throw new Error("unused");
        },
        async *watchInvoice() {},
      }),
    ),
  ),
);
export const event = create(InvoiceGeneratedSchema, { invoiceId: invoice.invoiceId });
export const logger = createLogger("notifier-test", "silent");

export class CountingMailer implements Mailer {
  readonly channel = "smtp";
  sent: InvoiceMail[] = [];
  failures = 0;
  /** Resolved by the test to let a send finish. */
  gate: Promise<void> = Promise.resolve();
  async send(mail: InvoiceMail) {
    await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error("421 service not available");
    }
    this.sent.push(mail);
    return `<${mail.invoiceId}@invoicing.local>`;
  }
  close() {}
}

export const openLog = () => new SqliteDeliveryLog(join(mkdtempSync(join(tmpdir(), "notifier-guarantee-")), "notifier.sqlite"));

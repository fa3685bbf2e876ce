import { create } from "@bufbuild/protobuf";
import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { CustomerSchema } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { createLogger } from "@invoicing/service-kit/observability";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SqliteDeliveryLog } from "../store/sqlite-delivery-log.js";
import { NothingToDeliver } from "./delivery-errors.js";
import type { InvoiceDocuments } from "./invoice-documents.js";
import { InvoiceNotifier } from "./invoice-notifier.js";
import { RecipientRefused, type InvoiceMail, type Mailer } from "./mailer.js";
import { UndeliverableDocument } from "./undeliverable-document.js";

// What the domain raises for a document it can never deliver, with the invoice service and the
// mail server as fakes behind their ports and the real SQLite delivery log: api/ maps these.

const pdf = new TextEncoder().encode("%PDF-1.7 an invoice");
const ready = (fields: Partial<Invoice> = {}): Invoice => ({
  ...create(InvoiceSchema, {
    invoiceId: "inv_1",
    number: "INV-2026-000001",
    status: InvoiceStatus.READY,
    customer: { name: "Ada", email: "ada@example.com" },
    currency: "EUR",
    totals: { gross: 1190n },
    pdfSha256: createHash("sha256").update(pdf).digest("hex"),
  }),
  ...fields,
});
const documents = (invoice: Invoice | undefined): InvoiceDocuments => ({
  invoice: async () => invoice,
  pdf: async () => pdf,
});
class RefusingMailer implements Mailer {
  readonly channel = "smtp";
  sent: InvoiceMail[] = [];
  constructor(private readonly refuse: boolean) {}
  async send(mail: InvoiceMail) {
    if (this.refuse) throw new RecipientRefused("550 5.1.1 no such user");
    this.sent.push(mail);
    return "<ref>";
  }
  close() {}
}
const event = create(InvoiceGeneratedSchema, { invoiceId: "inv_1" });
const notifier = (invoice: Invoice | undefined, mailer: Mailer) =>
  new InvoiceNotifier({
    invoices: documents(invoice),
    mailer,
    log: new SqliteDeliveryLog(join(mkdtempSync(join(tmpdir(), "notifier-refusals-")), "notifier.sqlite")),
    logger: createLogger("notifier-test", "silent"),
    claimLeaseMs: 60_000,
  });

describe("documents the notifier can never deliver", () => {
  it("a recipient the mail server refuses for good makes the document undeliverable, naming the address", async () => {
    await assert.rejects(
      notifier(ready(), new RefusingMailer(true)).deliver(event),
      (error: unknown) =>
        error instanceof UndeliverableDocument &&
        error.invoice.invoiceId === "inv_1" &&
        error.message === "the mail server refused ada@example.com for good: 550 5.1.1 no such user",
    );
  });

  it("a document without a customer email is undeliverable, and nothing is sent", async () => {
    const mailer = new RefusingMailer(false);
    await assert.rejects(
      notifier(ready({ customer: create(CustomerSchema, { name: "Ada", email: "" }) }), mailer).deliver(event),
      UndeliverableDocument,
    );
    assert.equal(mailer.sent.length, 0);
  });

  it("an invoice the invoice service does not know, or not READY, is nothing to deliver", async () => {
    await assert.rejects(notifier(undefined, new RefusingMailer(false)).deliver(event), NothingToDeliver);
    await assert.rejects(
      notifier(ready({ status: InvoiceStatus.PENDING }), new RefusingMailer(false)).deliver(event),
      /is PENDING, not READY/,
    );
    await assert.rejects(notifier(ready(), new RefusingMailer(false)).deliver(create(InvoiceGeneratedSchema, {})), NothingToDeliver);
  });

  it("a READY document with an address is sent once, with its number in the subject", async () => {
    const mailer = new RefusingMailer(false);
    assert.equal(await notifier(ready(), mailer).deliver(event), "sent");
    assert.equal(mailer.sent[0]?.subject, "Invoice INV-2026-000001");
    assert.equal(mailer.sent[0]?.to.address, "ada@example.com");
  });
});

import { DocumentKind, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import { finisherOnFakePorts } from "../testing/fake-issuing-ports.js";
import { paymentCompleted, paymentRefunded } from "../testing/sample-events.js";
import { CreditNoteIssuer } from "./credit-note-issuer.js";
import { InvoiceIssuer } from "./invoice-issuer.js";
import { documentSource } from "./invoice-store.js";
import { InvalidDocumentEvent, InvoiceNotYetIssued } from "./issuing-errors.js";

const ports = finisherOnFakePorts();
after(() => ports.close());
const clock = () => new Date(Date.UTC(2026, 10, 3, 8, 0));

/** An invoice series and a credit note series of their own, so first numbers mean something. */
function issuers() {
  const tag = randomUUID().slice(0, 6).toUpperCase();
  return {
    invoices: new InvoiceIssuer(ports.finisher, `I${tag}`, clock),
    creditNotes: new CreditNoteIssuer(ports.finisher, ports.store, `C${tag}`, clock),
    creditNoteSeries: `C${tag}`,
  };
}

describe("CreditNoteIssuer", () => {
  it("issues a READY credit note in its own series that names the invoice it corrects", async () => {
    const { invoices, creditNotes, creditNoteSeries } = issuers();
    const payment = paymentCompleted();
    const invoice = await invoices.issue(payment);
    const refund = paymentRefunded(payment);
    const note = await creditNotes.issue(refund);
    assert.equal(note.status, InvoiceStatus.READY);
    assert.equal(note.kind, DocumentKind.CREDIT_NOTE);
    assert.equal(note.number, `${creditNoteSeries}-2026-000001`);
    assert.equal(note.creditedInvoiceId, invoice.invoiceId);
    assert.equal(note.creditedInvoiceNumber, invoice.number);
    assert.equal(note.refundId, refund.refundId);
    assert.equal(note.refundReason, "arrived broken");
    assert.equal(note.customer?.customerId, invoice.customer?.customerId, "the invoice's customer, not the event's word");
    assert.equal(note.totals?.gross, refund.totals?.gross);
    assert.equal((await ports.store.getBySource(documentSource.creditNote(refund.refundId)))?.invoiceId, note.invoiceId);
    assert.equal((await creditNotes.issue(refund)).invoiceId, note.invoiceId, "a redelivered refund gives the same credit note");
  });

  it("raises InvoiceNotYetIssued for a refund that arrived before its invoice, numbering nothing", async () => {
    const { invoices, creditNotes, creditNoteSeries } = issuers();
    const payment = paymentCompleted();
    const refund = paymentRefunded(payment);
    await assert.rejects(creditNotes.issue(refund), InvoiceNotYetIssued);
    assert.equal(await ports.store.getBySource(documentSource.creditNote(refund.refundId)), undefined);
    await invoices.issue(payment);
    assert.equal((await creditNotes.issue(refund)).number, `${creditNoteSeries}-2026-000001`);
  });

  it("refuses a credit note for an invoice whose customer no e-invoice can state (an old record), numbering nothing", async () => {
    const { invoices, creditNoteSeries } = issuers();
    const payment = paymentCompleted();
    // Issued before the code lists: "UK" passed the old two-letter rule; ISO 3166 has GB.
    const issued = await invoices.issue(payment);
    const stored = (await ports.store.get(issued.invoiceId))!;
    stored.customer!.billingAddress!.countryCode = "UK";
    // The store as it would read that old record back (the issuer asks it for the payment's invoice).
    const legacy = Object.assign(Object.create(ports.store), { getBySource: async () => stored });
    const strict = new CreditNoteIssuer(ports.finisher, legacy, creditNoteSeries, clock);
    const refund = paymentRefunded(payment);
    await assert.rejects(strict.issue(refund), (error: Error) => {
      assert.ok(error instanceof InvalidDocumentEvent);
      assert.match(error.message, /customer\.billing_address\.country_code: must be an ISO 3166-1 alpha-2 code such as DE, got "UK"/);
      return true;
    });
    assert.equal(await ports.store.getBySource(documentSource.creditNote(refund.refundId)), undefined, "no number spent");
  });

  it("raises InvalidDocumentEvent for a refund in another currency than its invoice", async () => {
    const { invoices, creditNotes } = issuers();
    const payment = paymentCompleted();
    await invoices.issue(payment);
    const refund = paymentRefunded(payment);
    refund.currency = "USD";
    await assert.rejects(creditNotes.issue(refund), (error: unknown) => {
      assert.ok(error instanceof InvalidDocumentEvent, `got ${String(error)}`);
      assert.match(error.message, /^invalid PaymentRefunded: currency USD differs from invoice .*'s EUR$/);
      return true;
    });
  });

  it("raises InvalidDocumentEvent naming the field of a refund that does not add up", async () => {
    const { invoices, creditNotes } = issuers();
    const payment = paymentCompleted();
    await invoices.issue(payment);
    const refund = paymentRefunded(payment);
    refund.amount += 1n;
    await assert.rejects(creditNotes.issue(refund), (error: unknown) => {
      assert.ok(error instanceof InvalidDocumentEvent);
      assert.match(error.message, /^invalid PaymentRefunded: amount:/);
      return true;
    });
    assert.equal(await creditNotes.fail(refund.refundId, "invalid"), undefined, "no credit note was numbered");
  });
});

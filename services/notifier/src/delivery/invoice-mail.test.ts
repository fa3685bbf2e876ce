import { create } from "@bufbuild/protobuf";
import { DocumentKind, InvoiceSchema } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { invoiceMail } from "./invoice-mail.js";

const pdf = new Uint8Array([37, 80, 68, 70]);
const document = (locale: string, kind = DocumentKind.INVOICE) =>
  create(InvoiceSchema, {
    invoiceId: "inv_1",
    number: kind === DocumentKind.CREDIT_NOTE ? "CN-2026-000002" : "INV-2026-000001",
    kind,
    customer: { name: "Ada", email: "ada@example.com" },
    currency: "EUR",
    locale,
    totals: { gross: 11900n },
  });
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("invoice mail", () => {
  it("writes subject and text in the language of the invoice's locale, the total as that locale writes it", () => {
    const de = invoiceMail(document("de-DE"), "ada@example.com", pdf);
    assert.equal(de.subject, "Rechnung INV-2026-000001");
    assert.equal(plain(de.text), "Guten Tag Ada,\n\nanbei erhalten Sie die Rechnung INV-2026-000001 über 119,00 €.\n");
    const fr = invoiceMail(document("fr-FR", DocumentKind.CREDIT_NOTE), "ada@example.com", pdf);
    assert.equal(fr.subject, "Avoir CN-2026-000002");
    assert.match(plain(fr.text), /l'avoir CN-2026-000002 : 119,00 € vous seront remboursés/);
    assert.equal(invoiceMail(document("es-ES"), "ada@example.com", pdf).subject, "Factura INV-2026-000001");
    assert.equal(
      invoiceMail(document("it-IT", DocumentKind.CREDIT_NOTE), "ada@example.com", pdf).subject,
      "Nota di credito CN-2026-000002",
    );
  });

  it("falls back to English for any other language, and keeps the recipient and the PDF", () => {
    const mail = invoiceMail(document("ja-JP"), "ada@example.com", pdf);
    assert.equal(mail.subject, "Invoice INV-2026-000001");
    assert.ok(mail.text.startsWith("Hello Ada,"));
    assert.deepEqual(mail.to, { name: "Ada", address: "ada@example.com" });
    assert.equal(mail.pdf, pdf);
  });
});

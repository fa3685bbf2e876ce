import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DocumentKind, InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { renderInvoiceHtml } from "@invoicing/invoice/invoice-template";
import { GrpcPdfRenderer } from "@invoicing/invoice/render-client";
import { pdfFonts } from "@invoicing/local-stack/pdf-fonts";
import { missingGlyphs } from "@invoicing/local-stack/pdf-missing-glyphs";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { startService, type ServiceProcess } from "@invoicing/local-stack/service-process";
import { computeTotals } from "@invoicing/money";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

const seller = { name: "Invoicing Demo GmbH", addressLines: ["Hauptstraße 1", "10115 Berlin"], vatId: "DE123456789" };

function invoice(locale: string, name: string, currency = "EUR", kind = DocumentKind.INVOICE): Invoice {
  const items = [
    { description: "Widget", quantity: 2n, unitPrice: 1999n, taxRateBps: 1900 },
    { description: "Book", quantity: 1n, unitPrice: 1350n, taxRateBps: 700 },
  ];
  const t = computeTotals(items);
  return create(InvoiceSchema, {
    invoiceId: "inv_1",
    number: kind === DocumentKind.CREDIT_NOTE ? "CN-2026-000002" : "INV-2026-000007",
    kind,
    status: InvoiceStatus.PENDING,
    paymentId: "pay_1",
    orderId: "ord_1",
    customer: { customerId: "c1", name, email: "buyer@example.com", vatId: "FR12345678901" },
    items,
    currency,
    locale,
    totals: { net: t.net, tax: t.tax, gross: t.gross, taxLines: t.taxLines },
    creditedInvoiceNumber: kind === DocumentKind.CREDIT_NOTE ? "INV-2026-000007" : "",
    traceId: "0af7651916cd43dd8448eb211c80319c",
    issuedAt: timestampFromMs(Date.UTC(2026, 10, 25)),
  });
}

// The invoice template as the invoice service fills it, printed by a real renderer process (its
// Chromium, its fonts, its print options) over the invoice service's own gRPC client.
describe("documents in the buyer's language and script", { timeout: 180_000 }, () => {
  const logDir = mkdtempSync(join(tmpdir(), "document-languages-"));
  let renderer: ServiceProcess;
  let client: GrpcPdfRenderer;
  before(async () => {
    renderer = await startService({ service: "renderer", env: { RENDER_PAGES: "2" }, logFile: join(logDir, "renderer.log") });
    client = new GrpcPdfRenderer(`127.0.0.1:${renderer.port}`, 30_000);
  });
  after(async () => {
    client?.close();
    await renderer?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });
  const print = async (document: Invoice) => (await client.renderPdf(renderInvoiceHtml(document, seller))).pdf;

  it("labels a German invoice and a French credit note in their language", async () => {
    const german = pdfText(await print(invoice("de-DE", "Ada Lovelace")));
    for (const label of [
      "Rechnung INV-2026-000007",
      "RECHNUNGSEMPFÄNGER", // a .label, printed upper case
      "Beschreibung",
      "Einzelpreis",
      "Nettobetrag",
      "Gesamtbetrag",
      "62,03 €",
    ])
      assert.ok(german.includes(label), `German invoice: no "${label}" in\n${german}`);
    const french = pdfText(await print(invoice("fr-FR", "Ada Lovelace", "EUR", DocumentKind.CREDIT_NOTE)));
    for (const label of ["Avoir CN-2026-000002", "Rectifie la facture", "Désignation", "Total HT", "Total remboursé", "62,03 €"])
      assert.ok(french.includes(label), `French credit note: no "${label}" in\n${french}`);
  });

  it("prints a buyer named in Chinese, Japanese, Korean, Arabic, Hebrew, Greek, Cyrillic and emoji with no glyph missing", async () => {
    const names = ["王小明", "山田太郎", "김민준", "محمد", "שלום", "Ελένη", "Дмитрий", "😀"];
    const pdf = await print(invoice("ja-JP", names.join(" "), "JPY"));
    const text = pdfText(pdf);
    for (const name of [...names, "￥3,998"]) assert.ok(text.includes(name), `no "${name}" in the PDF's text:\n${text}`);
    const fonts = pdfFonts(pdf);
    assert.ok(
      fonts.length > 0 && fonts.every((f) => f.embedded && f.toUnicode),
      `every font embedded, with ToUnicode: ${JSON.stringify(fonts)}`,
    );
    assert.equal(missingGlyphs(pdf), 0, "glyphs drawn as .notdef (empty boxes)");
    // The check can fail: U+0378 is no character at all, so no font has a glyph for it.
    assert.equal(missingGlyphs(await print(invoice("ja-JP", "abc \u0378 xyz"))), 1, "the unassigned code point drawn as .notdef");
  });
});

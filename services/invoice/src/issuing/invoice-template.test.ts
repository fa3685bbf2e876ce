import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DocumentKind, InvoiceSchema, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals } from "@invoicing/money";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatInvoiceNumber } from "./invoice-store.js";
import { renderInvoiceHtml } from "./invoice-template.js";

const seller = { name: "Seller & Sons", addressLines: ["1 Main St", "10115 Berlin"], vatId: "DE123456789" };

function invoice(name: string, currency = "EUR", locale = "de-DE") {
  const items = [
    { description: "Widget <b>", quantity: 2n, unitPrice: 1999n, taxRateBps: 1900 },
    { description: "Book", quantity: 1n, unitPrice: 1350n, taxRateBps: 700 },
  ];
  const t = computeTotals(items);
  return create(InvoiceSchema, {
    invoiceId: "inv_1",
    number: "INV-2026-000007",
    status: InvoiceStatus.PENDING,
    paymentId: "pay_1",
    orderId: "ord_1",
    customer: {
      customerId: "c1",
      name,
      email: "buyer@example.com",
      vatId: "FR12345678901",
      billingAddress: { line1: "2 Rue X", postalCode: "75001", city: "Paris", countryCode: "FR" },
    },
    items,
    currency,
    locale,
    totals: { net: t.net, tax: t.tax, gross: t.gross, taxLines: t.taxLines },
    traceId: "0af7651916cd43dd8448eb211c80319c",
    issuedAt: timestampFromMs(Date.UTC(2026, 10, 25)),
  });
}

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("invoice template", () => {
  it("escapes every buyer-supplied value", () => {
    const html = renderInvoiceHtml(invoice(`<script>alert(1)</script> & "Co"`), seller);
    assert.ok(!html.includes("<script>"), "no raw script tag");
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;"));
    assert.ok(html.includes("Widget &lt;b&gt;"));
    assert.ok(html.includes("Seller &amp; Sons"));
  });

  it("shows number, buyer, lines, tax per rate and totals in the invoice's locale", () => {
    const html = plain(renderInvoiceHtml(invoice("Ada Lovelace"), seller));
    for (const expected of [
      "INV-2026-000007",
      "Ada Lovelace",
      "FR12345678901",
      "75001 Paris",
      "39,98 €", // 2 x 19.99
      "7 %",
      "19 %",
      "0,95 €", // 13.50 @ 7 %
      "7,60 €", // 39.98 @ 19 %
      "62,03 €", // 53.48 + 0.95 + 7.60
      "25. November 2026",
    ]) {
      assert.ok(html.includes(expected), `missing ${expected}`);
    }
  });

  it("titles a credit note as one, names the invoice it corrects and escapes the reason", () => {
    const note = invoice("Ada", "EUR", "en-GB");
    Object.assign(note, {
      kind: DocumentKind.CREDIT_NOTE,
      number: "CN-2026-000003",
      refundId: "ref_9",
      refundReason: "<i>broken</i>",
      creditedInvoiceNumber: "INV-2026-000007",
    });
    const html = plain(renderInvoiceHtml(note, seller));
    for (const expected of [
      "Credit note CN-2026-000003",
      "Corrects invoice: <strong>INV-2026-000007</strong>",
      "ref_9",
      "&lt;i&gt;broken&lt;/i&gt;",
      "Total credited",
    ]) {
      assert.ok(html.includes(expected), `missing ${expected}`);
    }
    assert.ok(!html.includes("Thank you"), "no thanks on a credit note");
    const invoiceHtml = plain(renderInvoiceHtml(invoice("Ada", "EUR", "en-GB"), seller));
    assert.ok(invoiceHtml.includes("Invoice INV-2026-000007") && !invoiceHtml.includes("Credit note"));
  });

  it("prints its labels in the language of the invoice's locale, English for any other", () => {
    const expected: Array<[string, string[]]> = [
      ["de-DE", ["Rechnung INV-2026-000007", "Rechnungsempfänger", "USt-IdNr.: FR12345678901", "Einzelpreis", "Gesamtbetrag"]],
      ["de-AT", ["Rechnung INV-2026-000007", "Rechnungsempfänger"]],
      ["fr-FR", ["Facture INV-2026-000007", "Facturé à", "N° TVA: FR12345678901", "Total HT", "Total TTC"]],
      ["es-ES", ["Factura INV-2026-000007", "Facturar a", "Base imponible", "Precio unitario"]],
      ["it-IT", ["Fattura INV-2026-000007", "Intestata a", "Partita IVA: FR12345678901", "Totale imponibile"]],
      ["ja-JP", ["Invoice INV-2026-000007", "Bill to", "Unit price"]],
    ];
    for (const [locale, labels] of expected) {
      const html = plain(renderInvoiceHtml(invoice("Ada", "EUR", locale), seller));
      for (const label of labels) assert.ok(html.includes(label), `${locale}: missing ${label}`);
    }
    const note = Object.assign(invoice("Ada", "EUR", "fr-FR"), { kind: DocumentKind.CREDIT_NOTE, number: "CN-2026-000003" });
    assert.ok(plain(renderInvoiceHtml(note, seller)).includes("Avoir CN-2026-000003"));
  });

  it("formats a zero-decimal currency without decimals", () => {
    const html = plain(renderInvoiceHtml(invoice("Taro", "JPY", "ja-JP"), seller));
    assert.ok(html.includes("￥3,998"), "2 x 1999 yen");
  });
});

describe("invoice numbers", () => {
  it("pads the counter to six digits", () => {
    assert.equal(formatInvoiceNumber("INV", 2026, 42), "INV-2026-000042");
    assert.equal(formatInvoiceNumber("CN", 2027, 1_234_567), "CN-2027-1234567");
  });
});

describe("legal notes beside untaxed breakdown lines", () => {
  it("names the category in the document's language with the seller's reason, and nothing at a standard rate", async () => {
    const { TAX_SCENARIOS, scenarioInvoice } = await import("../e-invoice/tax-scenarios.js");
    const html = (name: string, locale?: string) => {
      const scenario = TAX_SCENARIOS.find((s) => s.name === name)!;
      return plain(renderInvoiceHtml(scenarioInvoice({ ...scenario, locale: locale ?? scenario.locale }, 0), seller));
    };
    assert.ok(html("reverse-charge").includes("Autoliquidation: Autoliquidation, article 196 de la directive 2006/112/CE"));
    assert.ok(html("reverse-charge", "de-DE").includes("Steuerschuldnerschaft des Leistungsempfängers: Autoliquidation"));
    assert.ok(html("exempt-line").includes("Steuerfrei: Steuerfrei nach § 4 Nr. 21 UStG"));
    assert.ok(html("export").includes("Export, exempt from VAT: Export outside the EU"));
    assert.ok(html("intra-community", "it-IT").includes("Cessione intracomunitaria non imponibile: Steuerfreie"));
    assert.ok(!html("german-domestic").includes('class="note"'), "a standard-rate invoice prints no note");
    const outOfScope = html("not-subject");
    assert.ok(outOfScope.includes("Nicht steuerbar: Nicht steuerbarer echter Schadensersatz"));
    assert.ok(!outOfScope.includes("DE987654321") && !outOfScope.includes(seller.vatId), "no VAT id outside VAT's scope");
    assert.ok(html("german-domestic").includes(seller.vatId));
  });
});

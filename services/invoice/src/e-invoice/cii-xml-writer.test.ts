import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type CustomerSchema,
  type LineItemSchema,
  LineItemSchema as LineItems,
  TaxCategory,
} from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { DocumentKind, type Invoice, InvoiceSchema, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals, refundTotals } from "@invoicing/money";
import type { Invoice as EInvoiceModel } from "@e-invoice-eu/core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SellerDetails } from "../issuing/document-seller.js";
import { E_INVOICE_FORMATS, eInvoiceXml, libraryEInvoiceXml } from "./e-invoice-xml.js";
import { en16931InvoiceModel } from "./en16931-invoice-model.js";
import { sampleCreditNoteRecord, sampleInvoiceRecord, sampleSeller } from "./sample-invoice-record.js";
import { scenarioCreditNote, scenarioInvoice, TAX_SCENARIOS } from "./tax-scenarios.js";

// The Factur-X CII is written by cii-xml-writer.ts (eInvoiceXml's CII path); it must be the
// bytes e-invoice-eu wrote before it, with BT-25 added by cii-preceding-invoice.ts
// (libraryEInvoiceXml), for every model en16931InvoiceModel can give.

const writerCii = (model: EInvoiceModel) => eInvoiceXml(model, E_INVOICE_FORMATS.facturXCii, "de-DE");
const libraryCii = (model: EInvoiceModel) => libraryEInvoiceXml(model, E_INVOICE_FORMATS.facturXCii, "de-DE");

async function assertLibraryBytes(model: EInvoiceModel): Promise<string> {
  const written = await writerCii(model);
  assert.equal(written, await libraryCii(model));
  return written;
}

const SPECIAL = `& < > " ' &`;

// Every optional value the seller configuration can give: an additional street (more than three
// address lines), a legal registration, a contact; text with every character XML escapes and
// with characters outside ASCII.
const everyFieldSeller: SellerDetails = {
  name: `Müller ${SPECIAL} Söhne 株式会社 🧾`,
  addressLines: ["Hauptstraße 5 & 7", "Hinterhaus <2>", `Aufgang "B" 'links'`, "10115 Berlin-Mitte", "DE"],
  vatId: "DE123456789",
  legalRegistrationId: `HRB 123456 B ${SPECIAL}, Amtsgericht Charlottenburg`,
  electronicAddress: "e-invoices+cii@example.com",
  contactName: `Debitoren ${SPECIAL} 経理部`,
  contactPhone: "+49 30 0000000 <ext. 12>",
  contactEmail: "accounts&receivable@example.com",
};

const everyFieldCustomer: MessageInitShape<typeof CustomerSchema> = {
  customerId: `cust_${SPECIAL}`,
  name: `王小明 ${SPECIAL} 山田太郎 김민준 محمد שלום 😀🧾`,
  email: "einkauf+rechnungen@example.at",
  vatId: "ATU12345678",
  buyerReference: `04011000-12345-67 ${SPECIAL}`,
  billingAddress: {
    line1: `Landstraße 5 ${SPECIAL}`,
    line2: "Stiege 2, Tür 14 🚪",
    postalCode: "4020",
    city: "Linz an der Donau",
    region: "Oberösterreich",
    countryCode: "AT",
  },
};

// One line for each VAT category that states VAT ids, at two standard rates, with and without a
// unit, every untaxed one with a reason (the intra-community line adds a deliver-to address).
const everyCategoryItems: MessageInitShape<typeof LineItemSchema>[] = [
  {
    description: `Beratung ${SPECIAL} 😀`,
    quantity: 3n,
    unitPrice: 12_000n,
    taxRateBps: 1900,
    taxCategory: TaxCategory.STANDARD,
    unitCode: "HUR",
  },
  { description: "Fachbuch „Analytische Maschine“", quantity: 2n, unitPrice: 2_450n, taxRateBps: 700, taxCategory: TaxCategory.STANDARD },
  { description: "Ermäßigt, 5,5 %", quantity: 1n, unitPrice: 1_000n, taxRateBps: 550, taxCategory: TaxCategory.STANDARD, unitCode: "KGM" },
  { description: "Zeitschrift", quantity: 1n, unitPrice: 500n, taxRateBps: 0, taxCategory: TaxCategory.ZERO_RATED },
  {
    description: "Unterricht",
    quantity: 4n,
    unitPrice: 6_000n,
    taxRateBps: 0,
    taxCategory: TaxCategory.EXEMPT,
    taxExemptionReason: `Steuerfrei nach § 4 Nr. 21 UStG ${SPECIAL}`,
  },
  {
    description: "Audit",
    quantity: 2n,
    unitPrice: 95_000n,
    taxRateBps: 0,
    taxCategory: TaxCategory.REVERSE_CHARGE,
    taxExemptionReason: 'Reverse charge <Art. 196> "2006/112/EC"',
    unitCode: "DAY",
  },
  {
    description: "Zahnradsatz",
    quantity: 40n,
    unitPrice: 8_999n,
    taxRateBps: 0,
    taxCategory: TaxCategory.INTRA_COMMUNITY,
    taxExemptionReason: "Innergemeinschaftliche Lieferung & Versand",
  },
  {
    description: "Export",
    quantity: 1n,
    unitPrice: 149_900n,
    taxRateBps: 0,
    taxCategory: TaxCategory.EXPORT,
    taxExemptionReason: "Export outside the EU 🌍",
  },
];

const notSubjectItems: MessageInitShape<typeof LineItemSchema>[] = [
  {
    description: `Schadensersatz ${SPECIAL}`,
    quantity: 1n,
    unitPrice: 25_000n,
    taxRateBps: 0,
    taxCategory: TaxCategory.NOT_SUBJECT,
    taxExemptionReason: `Nicht steuerbar ${SPECIAL}`,
  },
];

interface RecordShape {
  customer: MessageInitShape<typeof CustomerSchema>;
  items: MessageInitShape<typeof LineItemSchema>[];
  currency?: string;
}

function invoiceRecord({ customer, items, currency = "EUR" }: RecordShape): Invoice {
  const lines = items.map((item) => create(LineItems, item));
  return create(InvoiceSchema, {
    invoiceId: "inv_every_field",
    number: `INV-2026-${SPECIAL}`,
    status: InvoiceStatus.PENDING,
    paymentId: "pay_every_field",
    orderId: `ord_${SPECIAL}`,
    customer,
    items: lines,
    currency,
    locale: "de-DE",
    totals: computeTotals(lines),
    issuedAt: timestampFromDate(new Date("2026-12-31T23:59:59Z")),
    kind: DocumentKind.INVOICE,
  });
}

function creditNoteRecord(shape: RecordShape): Invoice {
  const record = invoiceRecord(shape);
  return Object.assign(record, {
    invoiceId: "cn_every_field",
    number: `CN-2026-${SPECIAL}`,
    kind: DocumentKind.CREDIT_NOTE,
    refundId: "ref_every_field",
    refundReason: `Rücksendung ${SPECIAL} 🙁\nzweite Zeile`,
    creditedInvoiceId: "inv_every_field",
    creditedInvoiceNumber: `INV-2026-${SPECIAL}`,
    totals: refundTotals([], record.items),
    issuedAt: timestampFromDate(new Date("2027-01-01T00:00:00Z")),
  });
}

describe("the Factur-X CII writer gives the library's bytes", () => {
  for (const [index, scenario] of TAX_SCENARIOS.entries()) {
    it(`for the ${scenario.name} scenario's invoice and credit note`, async () => {
      await assertLibraryBytes(en16931InvoiceModel(scenarioInvoice(scenario, index), sampleSeller));
      const creditNote = await assertLibraryBytes(en16931InvoiceModel(scenarioCreditNote(scenario, index), sampleSeller));
      assert.match(creditNote, /<ram:InvoiceReferencedDocument>/);
    });
  }

  it("for the sample invoice and credit note", async () => {
    await assertLibraryBytes(en16931InvoiceModel(sampleInvoiceRecord(), sampleSeller));
    await assertLibraryBytes(en16931InvoiceModel(sampleCreditNoteRecord(), sampleSeller));
  });

  it("for an invoice and a credit note with every optional field and every VAT category that states VAT ids", async () => {
    const shape = { customer: everyFieldCustomer, items: everyCategoryItems };
    for (const record of [invoiceRecord(shape), creditNoteRecord(shape)]) {
      const cii = await assertLibraryBytes(en16931InvoiceModel(record, everyFieldSeller));
      // What the record sets is in the output, so the comparison above covers it.
      for (const element of [
        "BuyerReference",
        "LineTwo",
        "CountrySubDivisionName",
        "ShipToTradeParty",
        "ExemptionReason",
        "DefinedTradeContact",
      ]) {
        assert.match(cii, new RegExp(`<ram:${element}>`), element);
      }
      assert.match(cii, /<ram:SpecifiedLegalOrganization>/);
      assert.equal(cii.match(/<ram:SpecifiedTaxRegistration>/g)?.length, 2);
      // A line and a breakdown for each category and rate.
      assert.equal(cii.match(/<ram:CategoryCode>/g)?.length, 2 * everyCategoryItems.length);
    }
  });

  it("for a document not subject to VAT (category O without a rate, no VAT ids), in yen, from a seller without legal registration", async () => {
    const seller = { ...everyFieldSeller, legalRegistrationId: "" };
    const shape = { customer: everyFieldCustomer, items: notSubjectItems, currency: "JPY" };
    for (const record of [invoiceRecord(shape), creditNoteRecord(shape)]) {
      const cii = await assertLibraryBytes(en16931InvoiceModel(record, seller));
      assert.doesNotMatch(cii, /RateApplicablePercent|SpecifiedTaxRegistration|SpecifiedLegalOrganization/);
    }
  });

  it("for empty texts (self-closed elements) and a buyer address of a country alone", async () => {
    const seller = { ...everyFieldSeller, contactName: "", contactPhone: "", contactEmail: "", legalRegistrationId: "" };
    const customer = { customerId: "", name: "", email: "", billingAddress: { countryCode: "FR" } };
    const items = [{ description: "", quantity: 1n, unitPrice: 0n, taxRateBps: 2000, taxCategory: TaxCategory.STANDARD }];
    const cii = await assertLibraryBytes(en16931InvoiceModel(invoiceRecord({ customer, items }), seller));
    assert.match(cii, /<ram:PersonName\/>/);
    assert.match(cii, /<ram:URIID schemeID="EM"\/>/);
  });

  it("for text shaped like character references, written as given where the library decoded it or broke the XML", async () => {
    const shaped = "&amp; &lt;b&gt; &#60; &#x3C; &amp;#66; &nbsp; &Co; &; & ; \r\n\t";
    const customer = { ...everyFieldCustomer, name: shaped, buyerReference: shaped };
    const record = creditNoteRecord({ customer, items: [everyCategoryItems[0]!] });
    record.refundReason = shaped;
    record.creditedInvoiceNumber = shaped;
    const model = en16931InvoiceModel(record, { ...everyFieldSeller, name: shaped });
    const cii = await eInvoiceXml(model, E_INVOICE_FORMATS.facturXCii, "de-DE");
    const asGiven = "&amp;amp; &amp;lt;b&amp;gt; &amp;#60; &amp;#x3C; &amp;amp;#66; &amp;nbsp; &amp;Co; &amp;; &amp; ; &#13;\n\t";
    assert.ok(cii.includes(`<ram:BuyerReference>${asGiven}</ram:BuyerReference>`));
    assert.ok(cii.includes(`<ram:IssuerAssignedID>${asGiven}</ram:IssuerAssignedID>`));
    assert.doesNotMatch(cii, /&(?!amp;|lt;|gt;|quot;|#13;)/, "every & in the document starts one of the references it writes");
    // The library wrote "&nbsp;" and "&Co;" as they were: XML no parser accepts.
    assert.match(await libraryEInvoiceXml(model, E_INVOICE_FORMATS.facturXCii, "de-DE"), /&nbsp;/);
  });

  it("for model shapes the schema allows beyond what records give: several notes, none, several preceding invoices", async () => {
    const model = en16931InvoiceModel(creditNoteRecord({ customer: everyFieldCustomer, items: everyCategoryItems }), everyFieldSeller);
    const invoice = model["ubl:Invoice"];
    invoice["cac:BillingReference"] = [
      { "cac:InvoiceDocumentReference": { "cbc:ID": "INV-1" } },
      { "cac:InvoiceDocumentReference": { "cbc:ID": `INV-2 ${SPECIAL}` } },
    ];
    invoice["cbc:Note"] = ["Erste Notiz", `Zweite ${SPECIAL}`, ""];
    const several = await assertLibraryBytes(model);
    // The library's fault, kept: all notes in one IncludedNote.
    assert.equal(several.match(/<ram:IncludedNote>/g)?.length, 1);
    assert.equal(several.match(/<ram:Content>|<ram:Content\/>/g)?.length, 3);
    assert.equal(several.match(/<ram:InvoiceReferencedDocument>/g)?.length, 2);
    invoice["cbc:Note"] = [];
    assert.match(await assertLibraryBytes(model), /<ram:IncludedNote\/>/);
  });
});

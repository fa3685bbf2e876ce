import assert from "node:assert/strict";
import { test } from "node:test";
import { eInvoiceXml, E_INVOICE_FORMATS } from "./e-invoice-xml.js";
import { en16931InvoiceModel } from "./en16931-invoice-model.js";
import { sampleCreditNoteRecord, sampleInvoiceRecord, sampleSeller } from "./sample-invoice-record.js";

// The text of one element, wherever it is: enough to check values without a schema here
// (the reference validators check the structure).
const documentId = (cii: string): string | undefined => /<rsm:ExchangedDocument>\s*<ram:ID>([^<]*)<\/ram:ID>/.exec(cii)?.[1];

const values = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, "g"))].map((match) => match[1] as string);

test("the Factur-X CII of an invoice has its number, date, type 380 and totals", async () => {
  const xml = await eInvoiceXml(en16931InvoiceModel(sampleInvoiceRecord(), sampleSeller), E_INVOICE_FORMATS.facturXCii, "de-de");
  assert.match(xml, /<ram:GuidelineSpecifiedDocumentContextParameter>\s*<ram:ID>urn:cen\.eu:en16931:2017<\/ram:ID>/);
  assert.deepEqual(values(xml, "ram:TypeCode").slice(0, 1), ["380"]);
  assert.equal(documentId(xml), "INV-2026-000042");
  // BT-2 issue date, and BT-72 delivery date (a placeholder: the issue date).
  assert.deepEqual(values(xml, "udt:DateTimeString"), ["20261203", "20261203"]);
  // 2 × 19.99 at 19 % and 13.50 at 7 %: tax 7.60 + 0.95, already paid.
  assert.deepEqual(values(xml, "ram:TaxBasisTotalAmount"), ["53.48"]);
  assert.deepEqual(values(xml, "ram:TaxTotalAmount"), ["8.55"]);
  assert.deepEqual(values(xml, "ram:GrandTotalAmount"), ["62.03"]);
  assert.deepEqual(values(xml, "ram:TotalPrepaidAmount"), ["62.03"]);
  assert.deepEqual(values(xml, "ram:DuePayableAmount"), ["0.00"]);
  assert.deepEqual(values(xml, "ram:RateApplicablePercent").sort(), ["19", "19", "7", "7"]);
  assert.deepEqual(values(xml, "ram:InvoiceCurrencyCode"), ["EUR"]);
  assert.equal(values(xml, "ram:InvoiceReferencedDocument").length, 0);
});

test("a credit note is type 381 and references the invoice it corrects, in CII and UBL", async () => {
  const model = en16931InvoiceModel(sampleCreditNoteRecord(), sampleSeller);
  const cii = await eInvoiceXml(model, E_INVOICE_FORMATS.facturXCii, "de-de");
  assert.deepEqual(values(cii, "ram:TypeCode").slice(0, 1), ["381"]);
  assert.equal(documentId(cii), "CN-2026-000007");
  assert.match(cii, /<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>INV-2026-000042<\/ram:IssuerAssignedID>/);
  assert.match(cii, /Widget returned/);

  const ubl = await eInvoiceXml(model, E_INVOICE_FORMATS.xrechnungUbl, "de-de");
  // The library writes a UBL CreditNote document for 381, as XRechnung expects.
  assert.match(ubl, /<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/);
  assert.deepEqual(values(ubl, "cbc:CreditNoteTypeCode"), ["381"]);
  assert.match(ubl, /<cac:BillingReference>\s*<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-2026-000042<\/cbc:ID>/);
  assert.deepEqual(values(ubl, "cbc:IssueDate"), ["2026-12-05"]);
});

test("the XRechnung UBL names the XRechnung 3 customization and carries the same totals", async () => {
  const ubl = await eInvoiceXml(en16931InvoiceModel(sampleInvoiceRecord(), sampleSeller), E_INVOICE_FORMATS.xrechnungUbl, "de-de");
  assert.match(values(ubl, "cbc:CustomizationID")[0] ?? "", /^urn:cen\.eu:en16931:2017#compliant#urn:xeinkauf\.de:kosit:xrechnung_3\.0/);
  assert.deepEqual(values(ubl, "cbc:ID")[0], "INV-2026-000042");
  assert.deepEqual(values(ubl, "cbc:InvoiceTypeCode"), ["380"]);
  assert.deepEqual(values(ubl, "cbc:TaxInclusiveAmount"), ["62.03"]);
  assert.deepEqual(values(ubl, "cbc:PayableAmount"), ["0.00"]);
  assert.deepEqual(values(ubl, "cbc:BuyerReference"), ["NOT-PROVIDED"]);
});

test("a credit note without the number it corrects is refused, naming the field", () => {
  const record = sampleCreditNoteRecord();
  record.creditedInvoiceNumber = "";
  assert.throws(() => en16931InvoiceModel(record, sampleSeller), /credited_invoice_number/);
});

test("a seller address that does not end in a country code is refused, naming the variable", () => {
  assert.throws(
    () => en16931InvoiceModel(sampleInvoiceRecord(), { ...sampleSeller, addressLines: ["Musterstraße 1", "10115 Berlin"] }),
    /SELLER_ADDRESS/,
  );
});

test("a model the library's schema refuses is an error naming the field", async () => {
  const model = en16931InvoiceModel(sampleInvoiceRecord(), sampleSeller);
  (model["ubl:Invoice"] as { "cbc:DocumentCurrencyCode": string })["cbc:DocumentCurrencyCode"] = "ZZZ";
  await assert.rejects(
    eInvoiceXml(model, E_INVOICE_FORMATS.facturXCii, "de-de"),
    /INV-2026-000042 is not a valid CII model: .*DocumentCurrencyCode/,
  );
});

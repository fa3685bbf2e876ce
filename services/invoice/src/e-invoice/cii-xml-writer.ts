import type { Invoice as EInvoiceModel } from "@e-invoice-eu/core";
import { attribute, IndentedXml } from "./indented-xml.js";
import { escapeXml } from "./xml-text.js";

// The Factur-X CII (EN 16931) written straight from the model, validated and with the
// library's defaults filled in (e-invoice-xml.ts), instead of through e-invoice-eu's generate:
// its jsonpath-driven mapping into an xmlbuilder2 DOM was the largest CPU cost of issuing a
// document. The output is byte for byte what the library wrote, followed by
// withPrecedingInvoiceReference (cii-xml-writer.test.ts compares the two for every VAT
// scenario and for a record with every optional field): same elements in the same order, the
// same layout and the same escaping, faults included, so a Factur-X PDF issued now carries the
// XML one issued before would have. It covers the fields en16931InvoiceModel sets; a field
// added there must be added here (and to the test's every-field record), or it is left out.
//
// Where each business term goes is the library's CII mapping (e-invoice-eu 2.3.4,
// `ublInvoice` in its bundle); its faults kept here are noted where they are written.

type Model = EInvoiceModel["ubl:Invoice"];
type InvoiceLine = Model["cac:InvoiceLine"][number];
type SellerParty = Model["cac:AccountingSupplierParty"]["cac:Party"];
type BuyerParty = Model["cac:AccountingCustomerParty"]["cac:Party"];
type Delivery = NonNullable<Model["cac:Delivery"]>;
type DeliveryAddress = NonNullable<NonNullable<Delivery["cac:DeliveryLocation"]>["cac:Address"]>;
type PostalAddress = SellerParty["cac:PostalAddress"] | BuyerParty["cac:PostalAddress"] | DeliveryAddress;
type TaxTotal = Model["cac:TaxTotal"][number];
type TaxSubtotal = NonNullable<TaxTotal["cac:TaxSubtotal"]>[number];

const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
// In the order the library adds them.
const ROOT_ATTRIBUTES = [
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  ' xsi:schemaLocation="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 ../schema/D16B%20SCRDM%20(Subset)/uncoupled%20clm/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd"',
  ' xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"',
  ' xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"',
  ' xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"',
  ' xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"',
].join("");
/** UNTDID 2379 code 102 (CCYYMMDD) of every date. */
const DATE_FORMAT = attribute("format", "102");

/** The Factur-X CII of a model that passed the CII schema and went through fillInvoiceDefaults. */
export function ciiXml(model: EInvoiceModel): string {
  const invoice = model["ubl:Invoice"];
  const xml = new IndentedXml(XML_DECLARATION).start("rsm:CrossIndustryInvoice", ROOT_ATTRIBUTES);
  exchangedDocumentContext(xml, invoice);
  exchangedDocument(xml, invoice);
  xml.start("rsm:SupplyChainTradeTransaction");
  for (const line of invoice["cac:InvoiceLine"]) lineItem(xml, line);
  headerTradeAgreement(xml, invoice);
  if (invoice["cac:Delivery"]) headerTradeDelivery(xml, invoice["cac:Delivery"]);
  headerTradeSettlement(xml, invoice);
  return xml.end().end().toString();
}

/** A date of the model (YYYY-MM-DD) as a CII date in an element of its own. */
function dateTime(xml: IndentedXml, name: string, isoDate: string): void {
  xml.start(name).text("udt:DateTimeString", isoDate.replaceAll("-", ""), DATE_FORMAT).end();
}

/** BT-23 business process, BT-24 specification (the library's defaults). */
function exchangedDocumentContext(xml: IndentedXml, invoice: Model): void {
  const process = invoice["cbc:ProfileID"];
  const specification = invoice["cbc:CustomizationID"];
  if (process === undefined && specification === undefined) return;
  xml.start("rsm:ExchangedDocumentContext");
  if (process !== undefined) xml.start("ram:BusinessProcessSpecifiedDocumentContextParameter").text("ram:ID", process).end();
  if (specification !== undefined) xml.start("ram:GuidelineSpecifiedDocumentContextParameter").text("ram:ID", specification).end();
  xml.end();
}

/** BT-1 number, BT-3 type, BT-2 issue date, BT-22 notes. */
function exchangedDocument(xml: IndentedXml, invoice: Model): void {
  xml.start("rsm:ExchangedDocument").text("ram:ID", invoice["cbc:ID"]).text("ram:TypeCode", invoice["cbc:InvoiceTypeCode"]);
  dateTime(xml, "ram:IssueDateTime", invoice["cbc:IssueDate"]);
  const notes = invoice["cbc:Note"];
  if (notes) {
    // The library's fault: every note is a Content of one IncludedNote, where CII wants an
    // IncludedNote per note (and none, not an empty one, for no note).
    if (notes.length === 0) xml.empty("ram:IncludedNote");
    else {
      xml.start("ram:IncludedNote");
      for (const note of notes) xml.text("ram:Content", note);
      xml.end();
    }
  }
  xml.end();
}

/** BG-25: BT-126 line id, BT-153 item name, BT-146 net price, BT-129/130 quantity, BG-30 VAT, BT-131 net amount. */
function lineItem(xml: IndentedXml, line: InvoiceLine): void {
  const category = line["cac:Item"]["cac:ClassifiedTaxCategory"];
  const unit = line["cbc:InvoicedQuantity@unitCode"];
  xml.start("ram:IncludedSupplyChainTradeLineItem");
  xml.start("ram:AssociatedDocumentLineDocument").text("ram:LineID", line["cbc:ID"]).end();
  xml.start("ram:SpecifiedTradeProduct").text("ram:Name", line["cac:Item"]["cbc:Name"]).end();
  xml.start("ram:SpecifiedLineTradeAgreement");
  xml.start("ram:NetPriceProductTradePrice").text("ram:ChargeAmount", line["cac:Price"]["cbc:PriceAmount"]).end();
  xml.end();
  xml.start("ram:SpecifiedLineTradeDelivery");
  xml.text("ram:BilledQuantity", line["cbc:InvoicedQuantity"], unit === undefined ? "" : attribute("unitCode", unit));
  xml.end();
  xml.start("ram:SpecifiedLineTradeSettlement");
  xml
    .start("ram:ApplicableTradeTax")
    .text("ram:TypeCode", category["cac:TaxScheme"]["cbc:ID"])
    .text("ram:CategoryCode", category["cbc:ID"]);
  if (category["cbc:Percent"] !== undefined) xml.text("ram:RateApplicablePercent", category["cbc:Percent"]);
  xml.end();
  xml.start("ram:SpecifiedTradeSettlementLineMonetarySummation").text("ram:LineTotalAmount", line["cbc:LineExtensionAmount"]).end();
  xml.end();
  xml.end();
}

/** BT-10 buyer reference, BG-4 seller, BG-7 buyer, BT-13 purchase order reference. */
function headerTradeAgreement(xml: IndentedXml, invoice: Model): void {
  xml.start("ram:ApplicableHeaderTradeAgreement");
  if (invoice["cbc:BuyerReference"] !== undefined) xml.text("ram:BuyerReference", invoice["cbc:BuyerReference"]);
  sellerTradeParty(xml, invoice["cac:AccountingSupplierParty"]["cac:Party"]);
  buyerTradeParty(xml, invoice["cac:AccountingCustomerParty"]["cac:Party"]);
  const order = invoice["cac:OrderReference"]?.["cbc:ID"];
  if (order !== undefined) xml.start("ram:BuyerOrderReferencedDocument").text("ram:IssuerAssignedID", order).end();
  xml.end();
}

/** BT-27 name, BT-30 legal registration, BG-6 contact, BG-5 address, BT-34 electronic address, BT-31 VAT id. */
function sellerTradeParty(xml: IndentedXml, party: SellerParty): void {
  const legal = party["cac:PartyLegalEntity"];
  xml.start("ram:SellerTradeParty").text("ram:Name", legal["cbc:RegistrationName"]);
  if (legal["cbc:CompanyID"] !== undefined) xml.start("ram:SpecifiedLegalOrganization").text("ram:ID", legal["cbc:CompanyID"]).end();
  const contact = party["cac:Contact"];
  const name = contact?.["cbc:Name"];
  const phone = contact?.["cbc:Telephone"];
  const email = contact?.["cbc:ElectronicMail"];
  if (name !== undefined || phone !== undefined || email !== undefined) {
    xml.start("ram:DefinedTradeContact");
    if (name !== undefined) xml.text("ram:PersonName", name);
    if (phone !== undefined) xml.start("ram:TelephoneUniversalCommunication").text("ram:CompleteNumber", phone).end();
    if (email !== undefined) xml.start("ram:EmailURIUniversalCommunication").text("ram:URIID", email).end();
    xml.end();
  }
  postalTradeAddress(xml, party["cac:PostalAddress"]);
  electronicAddress(xml, party["cbc:EndpointID"], party["cbc:EndpointID@schemeID"]);
  for (const [index, scheme] of (party["cac:PartyTaxScheme"] ?? []).entries()) {
    // The library's post-processing: the first registration's scheme VAT is written VA, any
    // other FC; the others keep the model's scheme id as it is.
    const id = scheme["cac:TaxScheme"]["cbc:ID"];
    const schemeId = index === 0 && id !== "" ? (id === "VAT" ? "VA" : "FC") : id;
    xml.start("ram:SpecifiedTaxRegistration").text("ram:ID", scheme["cbc:CompanyID"], attribute("schemeID", schemeId)).end();
  }
  xml.end();
}

/** BT-46 identifier, BT-44 name, BG-8 address, BT-49 electronic address, BT-48 VAT id. */
function buyerTradeParty(xml: IndentedXml, party: BuyerParty): void {
  xml.start("ram:BuyerTradeParty");
  const id = party["cac:PartyIdentification"]?.["cbc:ID"];
  if (id !== undefined) xml.text("ram:ID", id);
  xml.text("ram:Name", party["cac:PartyLegalEntity"]["cbc:RegistrationName"]);
  postalTradeAddress(xml, party["cac:PostalAddress"]);
  electronicAddress(xml, party["cbc:EndpointID"], party["cbc:EndpointID@schemeID"]);
  const vatId = party["cac:PartyTaxScheme"]?.["cbc:CompanyID"];
  if (vatId !== undefined) xml.start("ram:SpecifiedTaxRegistration").text("ram:ID", vatId, attribute("schemeID", "VA")).end();
  xml.end();
}

function electronicAddress(xml: IndentedXml, address: string | undefined, scheme: string | undefined): void {
  if (address === undefined) return;
  xml
    .start("ram:URIUniversalCommunication")
    .text("ram:URIID", address, scheme === undefined ? "" : attribute("schemeID", scheme))
    .end();
}

/** BG-5, BG-8, BG-15: the seller's, the buyer's and the deliver-to address, in the same shape. */
function postalTradeAddress(xml: IndentedXml, address: PostalAddress): void {
  xml.start("ram:PostalTradeAddress");
  if (address["cbc:PostalZone"] !== undefined) xml.text("ram:PostcodeCode", address["cbc:PostalZone"]);
  if (address["cbc:StreetName"] !== undefined) xml.text("ram:LineOne", address["cbc:StreetName"]);
  if (address["cbc:AdditionalStreetName"] !== undefined) xml.text("ram:LineTwo", address["cbc:AdditionalStreetName"]);
  if (address["cbc:CityName"] !== undefined) xml.text("ram:CityName", address["cbc:CityName"]);
  xml.text("ram:CountryID", address["cac:Country"]["cbc:IdentificationCode"]);
  if (address["cbc:CountrySubentity"] !== undefined) xml.text("ram:CountrySubDivisionName", address["cbc:CountrySubentity"]);
  xml.end();
}

/** BG-13: BG-15 deliver-to address (intra-community supplies), BT-72 actual delivery date. */
function headerTradeDelivery(xml: IndentedXml, delivery: Delivery): void {
  const address = delivery["cac:DeliveryLocation"]?.["cac:Address"];
  const date = delivery["cbc:ActualDeliveryDate"];
  if (address === undefined && date === undefined) return;
  xml.start("ram:ApplicableHeaderTradeDelivery");
  if (address !== undefined) {
    xml.start("ram:ShipToTradeParty");
    postalTradeAddress(xml, address);
    xml.end();
  }
  if (date !== undefined) {
    xml.start("ram:ActualDeliverySupplyChainEvent");
    dateTime(xml, "ram:OccurrenceDateTime", date);
    xml.end();
  }
  xml.end();
}

/** BT-5 currency, BG-16 payment means, BG-23 VAT breakdown, BG-22 totals, BG-3 preceding invoice. */
function headerTradeSettlement(xml: IndentedXml, invoice: Model): void {
  xml.start("ram:ApplicableHeaderTradeSettlement").text("ram:InvoiceCurrencyCode", invoice["cbc:DocumentCurrencyCode"]);
  for (const means of invoice["cac:PaymentMeans"] ?? []) {
    xml.start("ram:SpecifiedTradeSettlementPaymentMeans").text("ram:TypeCode", means["cbc:PaymentMeansCode"]).end();
  }
  for (const total of invoice["cac:TaxTotal"]) {
    for (const subtotal of total["cac:TaxSubtotal"] ?? []) applicableTradeTax(xml, subtotal);
  }
  monetarySummation(xml, invoice);
  // BT-25: e-invoice-eu loses it (cii-preceding-invoice.ts), so it is written here where that
  // workaround put it, escaped as that workaround escapes it (every &, unlike the library), and
  // a carriage return kept as a reference, as in every other text.
  // BT-26, its date, is not in the records (PRECEDING_INVOICE_DATE_UNKNOWN).
  for (const reference of invoice["cac:BillingReference"] ?? []) {
    xml.start("ram:InvoiceReferencedDocument");
    xml.markup("ram:IssuerAssignedID", escapeXml(reference["cac:InvoiceDocumentReference"]["cbc:ID"]).replace(/\r/g, "&#13;")).end();
  }
  xml.end();
}

/** BG-23: BT-117 tax, BT-118 category, BT-120 exemption reason, BT-116 taxable amount, BT-119 rate. */
function applicableTradeTax(xml: IndentedXml, subtotal: TaxSubtotal): void {
  const category = subtotal["cac:TaxCategory"];
  xml.start("ram:ApplicableTradeTax").text("ram:CalculatedAmount", subtotal["cbc:TaxAmount"]);
  xml.text("ram:TypeCode", category["cac:TaxScheme"]["cbc:ID"]);
  if (category["cbc:TaxExemptionReason"] !== undefined) xml.text("ram:ExemptionReason", category["cbc:TaxExemptionReason"]);
  xml.text("ram:BasisAmount", subtotal["cbc:TaxableAmount"]).text("ram:CategoryCode", category["cbc:ID"]);
  if (category["cbc:Percent"] !== undefined) xml.text("ram:RateApplicablePercent", category["cbc:Percent"]);
  xml.end();
}

/** BG-22: BT-106 line total, BT-109 without VAT, BT-110 VAT, BT-112 with VAT, BT-113 paid, BT-115 due. */
function monetarySummation(xml: IndentedXml, invoice: Model): void {
  const totals = invoice["cac:LegalMonetaryTotal"];
  xml.start("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
  xml.text("ram:LineTotalAmount", totals["cbc:LineExtensionAmount"]).text("ram:TaxBasisTotalAmount", totals["cbc:TaxExclusiveAmount"]);
  for (const total of invoice["cac:TaxTotal"]) taxTotalAmount(xml, total);
  xml.text("ram:GrandTotalAmount", totals["cbc:TaxInclusiveAmount"]);
  if (totals["cbc:PrepaidAmount"] !== undefined) xml.text("ram:TotalPrepaidAmount", totals["cbc:PrepaidAmount"]);
  xml.text("ram:DuePayableAmount", totals["cbc:PayableAmount"]);
  xml.end();
}

/** The only amount CII states with its currency (BT-110, and BT-111 in a second TaxTotal). */
function taxTotalAmount(xml: IndentedXml, total: TaxTotal): void {
  const currency = total["cbc:TaxAmount@currencyID"];
  xml.text("ram:TaxTotalAmount", total["cbc:TaxAmount"], currency === undefined ? "" : attribute("currencyID", currency));
}

import { timestampDate } from "@bufbuild/protobuf/wkt";
import { DocumentKind, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { isOutsideVatScope, lineNet, taxCategoryOf } from "@invoicing/money";
import type { Invoice as EInvoiceModel } from "@e-invoice-eu/core";
import type { SellerDetails } from "../issuing/document-seller.js";
import { decimalAmount, percentFromBps } from "./decimal-amount.js";
import { EInvoiceRefusal } from "./e-invoice-refusal.js";
import { BUYER_ELECTRONIC_ADDRESS_SCHEME, DEFAULT_UNIT_CODE, PAYMENT_MEANS_PLACEHOLDER } from "./en16931-placeholders.js";
import { sellerPostalAddress } from "./seller-postal-address.js";

type Model = EInvoiceModel["ubl:Invoice"];
type Currency = Model["cbc:DocumentCurrencyCode"];
type CountryCode = Model["cac:AccountingSupplierParty"]["cac:Party"]["cac:PostalAddress"]["cac:Country"]["cbc:IdentificationCode"];
type BuyerCountryCode = Model["cac:AccountingCustomerParty"]["cac:Party"]["cac:PostalAddress"]["cac:Country"]["cbc:IdentificationCode"];
type InvoiceLine = Model["cac:InvoiceLine"][number];
type VatCategoryCode = InvoiceLine["cac:Item"]["cac:ClassifiedTaxCategory"]["cbc:ID"];

/** UNTDID 5305 code of each category (BT-151, BT-118). */
const VAT_CATEGORY_CODES: Record<Exclude<TaxCategory, TaxCategory.UNSPECIFIED>, VatCategoryCode> = {
  [TaxCategory.STANDARD]: "S",
  [TaxCategory.ZERO_RATED]: "Z",
  [TaxCategory.EXEMPT]: "E",
  [TaxCategory.REVERSE_CHARGE]: "AE",
  [TaxCategory.INTRA_COMMUNITY]: "K",
  [TaxCategory.EXPORT]: "G",
  [TaxCategory.NOT_SUBJECT]: "O",
};

/** UNTDID 1001: 380 commercial invoice, 381 credit note (BT-3). */
export const INVOICE_TYPE_CODE = "380";
export const CREDIT_NOTE_TYPE_CODE = "381";

const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The stored record and the configured seller as e-invoice-eu's model (UBL-shaped JSON with
 * the EN 16931 business terms), from which it writes CII, UBL and Factur-X alike. The record
 * is already paid when issued (the payment completed first), so the amount due is zero.
 */
export function en16931InvoiceModel(invoice: Invoice, seller: SellerDetails): EInvoiceModel {
  const totals = invoice.totals;
  if (!totals) throw new EInvoiceRefusal(`invoice ${invoice.invoiceId} has no totals`);
  const customer = invoice.customer;
  if (!customer) throw new EInvoiceRefusal(`invoice ${invoice.invoiceId} has no customer`);
  if (!invoice.issuedAt) throw new EInvoiceRefusal(`invoice ${invoice.invoiceId} has no issued_at`);
  const creditNote = invoice.kind === DocumentKind.CREDIT_NOTE;
  if (creditNote && invoice.creditedInvoiceNumber === "") {
    throw new EInvoiceRefusal(`credit note ${invoice.invoiceId} has no credited_invoice_number`);
  }
  const currency = invoice.currency as Currency;
  const amount = (minor: bigint) => decimalAmount(minor, invoice.currency);
  const address = sellerPostalAddress(seller.addressLines);
  const billing = customer.billingAddress;
  const issueDate = isoDate(timestampDate(invoice.issuedAt));
  const taxCategory = (category: TaxCategory, rateBps: number) => ({
    "cbc:ID": VAT_CATEGORY_CODES[category as keyof typeof VAT_CATEGORY_CODES],
    // Outside VAT's scope there is no rate to state (BR-O-05); XRechnung still wants one in
    // the breakdown (xrechnung-requirements.ts).
    ...(category === TaxCategory.NOT_SUBJECT ? {} : { "cbc:Percent": percentFromBps(rateBps) }),
    "cac:TaxScheme": { "cbc:ID": "VAT" },
  });
  // A document not subject to VAT states no VAT id (BR-O-02..04); contract-rules keeps every
  // line of such a document in that category.
  const statesVatIds = !isOutsideVatScope(invoice.items);
  const buyerAddress = {
    ...(billing?.line1 ? { "cbc:StreetName": billing.line1 } : {}),
    ...(billing?.line2 ? { "cbc:AdditionalStreetName": billing.line2 } : {}),
    ...(billing?.city ? { "cbc:CityName": billing.city } : {}),
    ...(billing?.postalCode ? { "cbc:PostalZone": billing.postalCode } : {}),
    ...(billing?.region ? { "cbc:CountrySubentity": billing.region } : {}),
    "cac:Country": { "cbc:IdentificationCode": (billing?.countryCode ?? "") as BuyerCountryCode },
  };
  // BR-IC-12: an intra-community supply states where it went (XRechnung: the whole address,
  // BR-DE-10/11); the order has no delivery address of its own, so it is the buyer's.
  const intraCommunity = invoice.items.some((item) => taxCategoryOf(item) === TaxCategory.INTRA_COMMUNITY);

  const lines = invoice.items.map(
    (item, index): InvoiceLine => ({
      "cbc:ID": `${index + 1}`,
      "cbc:InvoicedQuantity": item.quantity.toString(),
      "cbc:InvoicedQuantity@unitCode": (item.unitCode || DEFAULT_UNIT_CODE) as InvoiceLine["cbc:InvoicedQuantity@unitCode"],
      "cbc:LineExtensionAmount": amount(lineNet(item)),
      "cbc:LineExtensionAmount@currencyID": currency,
      "cac:Item": { "cbc:Name": item.description, "cac:ClassifiedTaxCategory": taxCategory(taxCategoryOf(item), item.taxRateBps) },
      "cac:Price": { "cbc:PriceAmount": amount(item.unitPrice), "cbc:PriceAmount@currencyID": currency },
    }),
  ) as Model["cac:InvoiceLine"];

  return {
    "ubl:Invoice": {
      "cbc:ID": invoice.number,
      "cbc:IssueDate": issueDate,
      "cbc:InvoiceTypeCode": creditNote ? CREDIT_NOTE_TYPE_CODE : INVOICE_TYPE_CODE,
      ...(creditNote && invoice.refundReason !== "" ? { "cbc:Note": [invoice.refundReason] } : {}),
      "cbc:DocumentCurrencyCode": currency,
      ...(customer.buyerReference !== "" ? { "cbc:BuyerReference": customer.buyerReference } : {}),
      "cac:OrderReference": { "cbc:ID": invoice.orderId },
      ...(creditNote ? { "cac:BillingReference": [{ "cac:InvoiceDocumentReference": { "cbc:ID": invoice.creditedInvoiceNumber } }] } : {}),
      "cac:AccountingSupplierParty": {
        "cac:Party": {
          "cbc:EndpointID": seller.electronicAddress,
          "cbc:EndpointID@schemeID": "EM",
          "cac:PostalAddress": {
            "cbc:StreetName": address.street,
            ...(address.additionalStreet ? { "cbc:AdditionalStreetName": address.additionalStreet } : {}),
            "cbc:CityName": address.city,
            "cbc:PostalZone": address.postCode,
            "cac:Country": { "cbc:IdentificationCode": address.countryCode as CountryCode },
          },
          ...(statesVatIds ? { "cac:PartyTaxScheme": [{ "cbc:CompanyID": seller.vatId, "cac:TaxScheme": { "cbc:ID": "VAT" } }] } : {}),
          "cac:PartyLegalEntity": {
            "cbc:RegistrationName": seller.name,
            ...(seller.legalRegistrationId ? { "cbc:CompanyID": seller.legalRegistrationId } : {}),
          },
          "cac:Contact": {
            "cbc:Name": seller.contactName,
            "cbc:Telephone": seller.contactPhone,
            "cbc:ElectronicMail": seller.contactEmail,
          },
        },
      },
      "cac:AccountingCustomerParty": {
        "cac:Party": {
          "cbc:EndpointID": customer.email,
          "cbc:EndpointID@schemeID": BUYER_ELECTRONIC_ADDRESS_SCHEME,
          "cac:PartyIdentification": { "cbc:ID": customer.customerId },
          "cac:PostalAddress": buyerAddress,
          ...(customer.vatId !== "" && statesVatIds
            ? { "cac:PartyTaxScheme": { "cbc:CompanyID": customer.vatId, "cac:TaxScheme": { "cbc:ID": "VAT" } } }
            : {}),
          "cac:PartyLegalEntity": { "cbc:RegistrationName": customer.name },
        },
      },
      // BT-72: the record has no delivery date; the issue date stands in (CII needs the element).
      "cac:Delivery": {
        "cbc:ActualDeliveryDate": issueDate,
        ...(intraCommunity ? { "cac:DeliveryLocation": { "cac:Address": buyerAddress } } : {}),
      },
      "cac:PaymentMeans": [{ "cbc:PaymentMeansCode": PAYMENT_MEANS_PLACEHOLDER }],
      "cac:TaxTotal": [
        {
          "cbc:TaxAmount": amount(totals.tax),
          "cbc:TaxAmount@currencyID": currency,
          "cac:TaxSubtotal": totals.taxLines.map((line) => ({
            "cbc:TaxableAmount": amount(line.net),
            "cbc:TaxableAmount@currencyID": currency,
            "cbc:TaxAmount": amount(line.tax),
            "cbc:TaxAmount@currencyID": currency,
            "cac:TaxCategory": {
              ...taxCategory(taxCategoryOf({ taxCategory: line.category, taxRateBps: line.rateBps }), line.rateBps),
              ...(line.exemptionReason !== "" ? { "cbc:TaxExemptionReason": line.exemptionReason } : {}),
            },
          })),
        },
      ],
      "cac:LegalMonetaryTotal": {
        "cbc:LineExtensionAmount": amount(totals.net),
        "cbc:LineExtensionAmount@currencyID": currency,
        "cbc:TaxExclusiveAmount": amount(totals.net),
        "cbc:TaxExclusiveAmount@currencyID": currency,
        "cbc:TaxInclusiveAmount": amount(totals.gross),
        "cbc:TaxInclusiveAmount@currencyID": currency,
        // Issued for a completed payment (or a refund already paid back): nothing is due.
        "cbc:PrepaidAmount": amount(totals.gross),
        "cbc:PrepaidAmount@currencyID": currency,
        "cbc:PayableAmount": amount(0n),
        "cbc:PayableAmount@currencyID": currency,
      },
      "cac:InvoiceLine": lines,
    },
  };
}

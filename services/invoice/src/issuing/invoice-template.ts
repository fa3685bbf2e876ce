import { timestampDate } from "@bufbuild/protobuf/wkt";
import { DocumentKind, type Invoice, type TaxLine } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { type PostalAddress, TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { dateFormat, formatMoney, formatRate, isOutsideVatScope, lineNet, numberFormat, taxCategoryOf } from "@invoicing/money";
import ejs from "ejs";
import { documentLabels, type DocumentLabels } from "./document-labels.js";
import { readFileSync } from "node:fs";

/** What the page prints of the seller. */
export interface PrintedSeller {
  name: string;
  addressLines: string[];
  vatId: string;
  /** The commercial register entry, printed as given ("HRB 123456 B, Amtsgericht Charlottenburg"). */
  legalRegistrationId?: string;
}

const templatePath = new URL("../../templates/invoice.ejs", import.meta.url);
// Compiled once per process. Every value goes through `<%=`, which escapes HTML, so a buyer
// named "<script>" prints as text; the renderer also runs with JavaScript off.
const template = ejs.compile(readFileSync(templatePath, "utf8"), { filename: templatePath.pathname });

export function addressLines(address: PostalAddress | undefined): string[] {
  if (!address) return [];
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(" ");
  return [address.line1, address.line2, cityLine, address.region, address.countryCode].filter((line) => line !== "");
}

const CATEGORY_LABELS: Partial<Record<TaxCategory, keyof DocumentLabels>> = {
  [TaxCategory.ZERO_RATED]: "zeroRated",
  [TaxCategory.EXEMPT]: "exempt",
  [TaxCategory.REVERSE_CHARGE]: "reverseCharge",
  [TaxCategory.INTRA_COMMUNITY]: "intraCommunity",
  [TaxCategory.EXPORT]: "export",
  [TaxCategory.NOT_SUBJECT]: "notSubject",
};

/**
 * What the law asks a document to say beside an untaxed breakdown line: its category in the
 * document's language ("Steuerschuldnerschaft des Leistungsempfängers", "Autoliquidation")
 * and the reason the seller gave. Nothing for the standard rate.
 */
function legalNote(line: TaxLine, labels: DocumentLabels): string {
  const label = CATEGORY_LABELS[taxCategoryOf({ taxCategory: line.category, taxRateBps: line.rateBps })];
  if (!label) return "";
  return line.exemptionReason ? `${labels[label]}: ${line.exemptionReason}` : labels[label];
}

/**
 * The invoice or credit note as a self-contained HTML document (no external resources) for
 * the renderer. A credit note lists what is taken back, with positive amounts, under its
 * own title and number, and names the invoice it corrects.
 */
export function renderInvoiceHtml(invoice: Invoice, seller: PrintedSeller): string {
  const money = (minor: bigint) => formatMoney(minor, invoice.currency, invoice.locale);
  const totals = invoice.totals;
  if (!totals) throw new Error(`invoice ${invoice.invoiceId} has no totals`);
  const issued = invoice.issuedAt ? timestampDate(invoice.issuedAt) : new Date();
  const labels = documentLabels(invoice.locale);
  const statesVatIds = !isOutsideVatScope(invoice.items);
  return template({
    lang: invoice.locale,
    labels,
    title: invoice.kind === DocumentKind.CREDIT_NOTE ? labels.creditNote : labels.invoice,
    creditNote:
      invoice.kind === DocumentKind.CREDIT_NOTE
        ? { invoiceNumber: invoice.creditedInvoiceNumber, refundId: invoice.refundId, reason: invoice.refundReason }
        : undefined,
    number: invoice.number,
    issuedOn: dateFormat(invoice.locale, "long UTC", { dateStyle: "long", timeZone: "UTC" }).format(issued),
    orderId: invoice.orderId,
    paymentId: invoice.paymentId,
    traceId: invoice.traceId,
    // A document outside VAT's scope states no VAT id, as its e-invoice may not (BR-O-02..04).
    seller: { ...seller, vatId: statesVatIds ? seller.vatId : "" },
    buyer: {
      name: invoice.customer?.name ?? "",
      email: invoice.customer?.email ?? "",
      vatId: statesVatIds ? (invoice.customer?.vatId ?? "") : "",
      addressLines: addressLines(invoice.customer?.billingAddress),
    },
    lines: invoice.items.map((item) => ({
      description: item.description,
      quantity: numberFormat(invoice.locale, "", {}).format(item.quantity),
      unitPrice: money(item.unitPrice),
      taxRate: formatRate(item.taxRateBps, invoice.locale),
      net: money(lineNet(item)),
    })),
    taxLines: totals.taxLines.map((line) => ({
      rate: formatRate(line.rateBps, invoice.locale),
      net: money(line.net),
      tax: money(line.tax),
      note: legalNote(line, labels),
    })),
    totals: { net: money(totals.net), gross: money(totals.gross) },
  });
}

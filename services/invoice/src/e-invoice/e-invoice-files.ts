import { timestampDate } from "@bufbuild/protobuf/wkt";
import { DocumentFormat, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { SellerDetails } from "../issuing/document-seller.js";
import { E_INVOICE_FORMATS, eInvoiceXml, type EInvoiceFormat } from "./e-invoice-xml.js";
import { en16931InvoiceModel } from "./en16931-invoice-model.js";
import { EInvoiceRefusal } from "./e-invoice-refusal.js";
import { facturXPdf } from "./factur-x-pdf.js";

// Every e-invoice of a document is written from its stored record and the seller recorded on
// it, by the same functions, whenever it is asked for: the XML attached to the stored PDF and
// the XML GetInvoiceDocument serves a year later are the same bytes.

/** The profile of the attachment, as fx:ConformanceLevel names it. */
const FACTUR_X_CONFORMANCE = "EN 16931";
const PRODUCER = "invoicing invoice service";

const xmlFormats: Partial<Record<DocumentFormat, { format: EInvoiceFormat; suffix: string }>> = {
  [DocumentFormat.FACTUR_X_XML]: { format: E_INVOICE_FORMATS.facturXCii, suffix: "factur-x" },
  [DocumentFormat.XRECHNUNG_UBL]: { format: E_INVOICE_FORMATS.xrechnungUbl, suffix: "xrechnung-ubl" },
  [DocumentFormat.XRECHNUNG_CII]: { format: E_INVOICE_FORMATS.xrechnungCii, suffix: "xrechnung-cii" },
};

export interface EInvoiceFile {
  mediaType: string;
  fileName: string;
  bytes: Uint8Array;
}

/** The CII XML attached to the document's Factur-X PDF. */
export async function facturXXml(document: Invoice, seller: SellerDetails): Promise<string> {
  return eInvoiceXml(en16931InvoiceModel(document, seller), E_INVOICE_FORMATS.facturXCii, document.locale);
}

/**
 * Chromium's PDF of the document as its Factur-X hybrid (PDF/A-3b, the CII attached). The
 * issue time is the PDF's date, so rendering the same record again gives the same bytes
 * apart from Chromium's own.
 */
export async function facturXHybrid(document: Invoice, seller: SellerDetails, printed: Uint8Array): Promise<Uint8Array> {
  if (!document.issuedAt) throw new EInvoiceRefusal(`invoice ${document.invoiceId} has no issued_at`);
  return facturXPdf({
    pdf: printed,
    xml: await facturXXml(document, seller),
    number: document.number,
    metadata: {
      title: document.number,
      author: seller.name,
      producer: PRODUCER,
      date: timestampDate(document.issuedAt),
      conformanceLevel: FACTUR_X_CONFORMANCE,
    },
  });
}

/** The document in one of the XML formats, or undefined for a format that is not XML. */
export async function eInvoiceXmlFile(document: Invoice, seller: SellerDetails, format: DocumentFormat): Promise<EInvoiceFile | undefined> {
  const entry = xmlFormats[format];
  if (!entry) return undefined;
  const xml = await eInvoiceXml(en16931InvoiceModel(document, seller), entry.format, document.locale);
  return { mediaType: "application/xml", fileName: `${document.number}-${entry.suffix}.xml`, bytes: new TextEncoder().encode(xml) };
}

import type { Invoice as EInvoiceModel } from "@e-invoice-eu/core";
import { escapeXml } from "./xml-text.js";

// e-invoice-eu 2.3.4 (the latest) maps BT-25 to CII from `cac:BillingReference[].cbc:ID`,
// while its own schema only accepts the number under `cac:InvoiceDocumentReference`: a
// credit note's CII comes out without the invoice it corrects (its UBL is right). Until
// that is fixed upstream, the reference is written here, where the CII schema puts it:
// last in ApplicableHeaderTradeSettlement, after the monetary summation.

export function withPrecedingInvoiceReference(cii: string, model: EInvoiceModel): string {
  const references = model["ubl:Invoice"]["cac:BillingReference"] ?? [];
  if (references.length === 0 || cii.includes("<ram:InvoiceReferencedDocument>")) return cii;
  const closing = "</ram:ApplicableHeaderTradeSettlement>";
  const at = cii.lastIndexOf(closing);
  if (at < 0) throw new Error("CII without ApplicableHeaderTradeSettlement");
  const elements = references
    .map((reference) => {
      const id = reference["cac:InvoiceDocumentReference"]["cbc:ID"];
      return `\t<ram:InvoiceReferencedDocument>\n\t\t\t\t<ram:IssuerAssignedID>${escapeXml(id)}</ram:IssuerAssignedID>\n\t\t\t</ram:InvoiceReferencedDocument>\n\t\t`;
    })
    .join("");
  return `${cii.slice(0, at)}${elements}${cii.slice(at)}`;
}

import type { Invoice as EInvoiceModel } from "@e-invoice-eu/core";
import { BUYER_REFERENCE_PLACEHOLDER } from "./en16931-placeholders.js";

// What XRechnung requires beyond EN 16931, added to the model only for the XRechnung files, so
// the Factur-X attachment states nothing EN 16931 does not ask for:
// - a buyer reference (BR-DE-15): the customer's, or a placeholder when it gave none;
// - a rate in every VAT breakdown (BR-DE-14), also outside VAT's scope, where EN 16931 states
//   none on the lines (BR-O-05) and leaves the breakdown's optional: 0 there.

export function withXRechnungRequirements(model: EInvoiceModel): EInvoiceModel {
  const invoice = model["ubl:Invoice"];
  invoice["cbc:BuyerReference"] ??= BUYER_REFERENCE_PLACEHOLDER;
  for (const total of invoice["cac:TaxTotal"] ?? []) {
    for (const subtotal of total["cac:TaxSubtotal"] ?? []) {
      const category = subtotal["cac:TaxCategory"];
      if (category["cbc:ID"] === "O" && category["cbc:Percent"] === undefined) category["cbc:Percent"] = "0";
    }
  }
  return model;
}

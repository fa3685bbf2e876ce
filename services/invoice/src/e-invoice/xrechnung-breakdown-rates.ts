import type { Invoice as EInvoiceModel } from "@e-invoice-eu/core";

// XRechnung requires every VAT breakdown to state its rate (BR-DE-14), also outside VAT's scope,
// where EN 16931 states none on the lines (BR-O-05) and leaves the breakdown's optional: the
// XRechnung files of such a document say 0 there. The Factur-X attachment (EN 16931) stays as
// the model has it.

export function withXRechnungBreakdownRates(model: EInvoiceModel): EInvoiceModel {
  for (const total of model["ubl:Invoice"]["cac:TaxTotal"] ?? []) {
    for (const subtotal of total["cac:TaxSubtotal"] ?? []) {
      const category = subtotal["cac:TaxCategory"];
      if (category["cbc:ID"] === "O" && category["cbc:Percent"] === undefined) category["cbc:Percent"] = "0";
    }
  }
  return model;
}

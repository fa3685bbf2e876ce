import { compileEInvoiceFormats } from "./e-invoice-xml.js";
import { srgbProfile } from "./srgb-output-intent.js";

/**
 * What every e-invoice needs, loaded when the service starts: the sRGB profile every PDF/A
 * embeds and the compiled schema of every XML format. Missing or broken, the service stops at
 * start naming it, instead of refusing every document it would have issued.
 */
export function prepareEInvoices(): void {
  srgbProfile();
  compileEInvoiceFormats();
}

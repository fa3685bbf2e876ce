/**
 * What a caller says a file is. Mustang detects the syntax itself and applies whatever rules the
 * file declares, so without this check a UBL file handed in as the CII output, or an EN 16931
 * invoice expected to be XRechnung (whose BR-DE rules Mustang then reports only as notices),
 * would pass for the wrong reason.
 */
export const eInvoiceKinds = ["factur-x-pdf", "cii", "ubl", "xrechnung-cii", "xrechnung-ubl"] as const;
export type EInvoiceKind = (typeof eInvoiceKinds)[number];

const xrechnungSpecification = /urn:xeinkauf\.de:kosit:(?:xrechnung|extension:xrechnung)_\d/;

/** The kind a file's bytes show: a PDF, or the XML root element's syntax and its specification identifier (BT-24). */
export function detectEInvoiceKind(bytes: Uint8Array): EInvoiceKind | undefined {
  const head = Buffer.from(bytes.subarray(0, 5)).toString("latin1");
  if (head === "%PDF-") return "factur-x-pdf";
  const text = Buffer.from(bytes).toString("utf8");
  const root = rootElementName(text);
  const xrechnung = xrechnungSpecification.test(specificationIdentifier(text) ?? "");
  if (root === "CrossIndustryInvoice") return xrechnung ? "xrechnung-cii" : "cii";
  if (root === "Invoice" || root === "CreditNote") return xrechnung ? "xrechnung-ubl" : "ubl";
  return undefined;
}

/** Throws naming the file and both kinds when the file is not what the caller asked to validate. */
export function assertEInvoiceKind(path: string, bytes: Uint8Array, expected: EInvoiceKind): void {
  if (!eInvoiceKinds.includes(expected)) {
    throw new Error(`kind must be one of ${eInvoiceKinds.join(", ")}; got ${JSON.stringify(expected)}`);
  }
  const actual = detectEInvoiceKind(bytes);
  if (actual !== expected) {
    throw new Error(`${path}: asked to validate as ${expected}, but the file is ${actual ?? "neither a PDF nor a CII or UBL invoice"}`);
  }
}

function rootElementName(xml: string): string | undefined {
  // The first element after the prolog, comments and processing instructions, without its prefix.
  const withoutProlog = xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, "");
  const match = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/.exec(withoutProlog);
  return match?.[1];
}

function specificationIdentifier(xml: string): string | undefined {
  const ubl = /<(?:\w+:)?CustomizationID[^>]*>([^<]*)</.exec(xml);
  if (ubl) return ubl[1]!.trim();
  const cii = /<(?:\w+:)?GuidelineSpecifiedDocumentContextParameter>\s*<(?:\w+:)?ID[^>]*>([^<]*)</.exec(xml);
  return cii?.[1]?.trim();
}

/** Text as XML character data or an attribute value: & < > and " escaped. */
export const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// xmlbuilder2 4.0.3, which e-invoice-eu writes with, does not write text as given: it first
// decodes the predefined entities and numeric character references in it, then escapes only an
// & that does not start something shaped like a reference. A name holding "&amp;" came out
// read back as "&", and one holding "&nbsp;" or "&Co;" made the attached XML not well-formed.
// The CII writer writes every text as given; the XRechnung files, still the library's, do not.

/** Character data as given: & < > escaped (quotes need not be, which keeps xmlbuilder2's bytes). */
export const xmlText = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An attribute value in double quotes: as its text, and " escaped too. */
export const xmlAttributeValue = (value: string): string => xmlText(value).replace(/"/g, "&quot;");

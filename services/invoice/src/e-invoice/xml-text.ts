/** Text as XML character data or an attribute value: & < > and " escaped. */
export const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// xmlbuilder2 4.0.3, which e-invoice-eu writes with, does not write text as given: it first
// decodes the predefined entities and numeric character references in it, then escapes only an
// & that does not start something shaped like a reference. A name holding "&amp;" came out
// read back as "&", and one holding "&nbsp;" or "&Co;" made the attached XML not well-formed.
// The CII writer writes every text as given; the XRechnung files, still the library's, do not.

/**
 * Character data as given: & < > escaped (quotes need not be, which keeps xmlbuilder2's bytes),
 * and a carriage return as a reference, which a parser would otherwise read as a line feed.
 */
export const xmlText = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");

/** An attribute value in double quotes: as its text, " escaped, and tabs and line breaks as references, which a parser would read as spaces. */
export const xmlAttributeValue = (value: string): string =>
  xmlText(value).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");

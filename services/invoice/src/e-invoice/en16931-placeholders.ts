// Values EN 16931 requires that the contracts (proto/invoicing) do not carry yet. Each is
// named for the business term it stands in for, so a later step that adds the field to the
// contracts can delete its placeholder and the compiler shows every use. None of them is a
// guess about a real buyer or seller: they are the neutral values the rules accept.

/** BT-49 buyer electronic address: the record has only an e-mail, used with scheme EM. */
export const BUYER_ELECTRONIC_ADDRESS_SCHEME = "EM";
/**
 * BT-10 buyer reference when the customer gave none (customer.buyer_reference carries it, the
 * Leitweg-ID for German public buyers): XRechnung requires the element.
 */
export const BUYER_REFERENCE_PLACEHOLDER = "NOT-PROVIDED";
/** BT-130 unit of measure of a line without unit_code: UN/ECE Recommendation 20 "one". */
export const DEFAULT_UNIT_CODE = "C62";
/**
 * BT-81 payment means: the order service records that a payment completed, not how. UNTDID
 * 4461 code 1 "instrument not defined": a credit transfer (30) would require the seller's IBAN
 * (BR-61, BR-DE-23-a), a card (48) the card's number (BG-18).
 */
export const PAYMENT_MEANS_PLACEHOLDER = "1";
/** BT-72 actual delivery date: not on the record; the mapping uses the issue date. */
/** BT-25 preceding invoice date: the record holds the credited invoice's number, not its date. */
export const PRECEDING_INVOICE_DATE_UNKNOWN = undefined;

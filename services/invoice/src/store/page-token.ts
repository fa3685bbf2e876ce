// ListInvoices pages by keyset (issued_at, invoice_id), newest first: stable while invoices
// are added, and each page costs one index range scan whatever its depth.

import { InvalidPageTokenError } from "../issuing/invoice-store.js";

export interface PagePosition {
  issuedAtMs: number;
  invoiceId: string;
}

export function encodePageToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.issuedAtMs, position.invoiceId])).toString("base64url");
}

export function decodePageToken(token: string): PagePosition {
  try {
    const [issuedAtMs, invoiceId] = JSON.parse(Buffer.from(token, "base64url").toString()) as unknown[];
    // Checked as strictly as it was written: an altered token (1e400 parses to Infinity, which
    // MongoDB cannot turn into a date) is refused here, naming the field, not deep in an adapter.
    if (Number.isSafeInteger(issuedAtMs) && typeof invoiceId === "string" && invoiceId !== "") {
      return { issuedAtMs: issuedAtMs as number, invoiceId };
    }
  } catch {
    // fall through
  }
  throw new InvalidPageTokenError("page_token: not a token this service issued");
}

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
    if (typeof issuedAtMs === "number" && typeof invoiceId === "string") return { issuedAtMs, invoiceId };
  } catch {
    // fall through
  }
  throw new InvalidPageTokenError("page_token: not a token this service issued");
}

// PDF bytes, apart from the metadata: files on disk embedded, GridFS under MongoDB.

/**
 * PDFs are stored under their invoice id and content hash. Chromium stamps each PDF with its
 * creation time, so two workers racing on one invoice make different bytes; with the hash in
 * the key neither overwrites the other, and the invoice's recorded hash names the one it owns.
 */
export function pdfKey(invoiceId: string, sha256: string): string {
  return `${invoiceId}.${sha256}`;
}

export interface PdfStore {
  /** Stores a PDF under `key` (see pdfKey). Writing the same key again replaces it whole. */
  put(key: string, pdf: Uint8Array): Promise<void>;
  /** The stored PDF in chunks of at most `chunkSize` bytes, or undefined if none is stored. */
  read(key: string, chunkSize: number): Promise<AsyncIterable<Uint8Array> | undefined>;
  close(): Promise<void>;
}

// PDF bytes, apart from the metadata: files on disk embedded, GridFS under MongoDB.

export interface PdfStore {
  /** Stores the PDF of an invoice. Writing the same invoice again replaces it whole. */
  put(invoiceId: string, pdf: Uint8Array): Promise<void>;
  /** The stored PDF in chunks of at most `chunkSize` bytes, or undefined if none is stored. */
  read(invoiceId: string, chunkSize: number): Promise<AsyncIterable<Uint8Array> | undefined>;
  close(): Promise<void>;
}

import { GridFSBucket, MongoRuntimeError, type Db, type ObjectId } from "mongodb";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PdfStore } from "../issuing/pdf-store.js";

/**
 * PDFs in GridFS (bucket "pdfs"), one file per invoice named by the invoice id. It shares the
 * invoice store's client, so close() leaves the client to whoever opened it.
 */
export class GridFsPdfStore implements PdfStore {
  readonly #bucket: GridFSBucket;

  constructor(db: Db) {
    this.#bucket = new GridFSBucket(db, { bucketName: "pdfs" });
  }

  /**
   * Uploads a new revision, then deletes every other one. A reader never sees half a file: the
   * files document, which makes a revision visible, is written after its last chunk. Racing
   * puts for one invoice all keep the same newest revision, so one always survives.
   */
  async put(invoiceId: string, pdf: Uint8Array): Promise<void> {
    const upload = this.#bucket.openUploadStream(invoiceId, { metadata: { contentType: "application/pdf" } });
    await pipeline(Readable.from([Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength)]), upload);
    const [, ...older] = await this.#revisions(invoiceId);
    for (const id of older) {
      await this.#bucket.delete(id).catch((error: unknown) => {
        // Another put deleted it first; the driver has no error code for this.
        if (!(error instanceof MongoRuntimeError && error.message.startsWith("File not found"))) throw error;
      });
    }
  }

  /** A put that replaces the revision being read mid-stream makes this read fail, not mix files. */
  async read(invoiceId: string, chunkSize: number): Promise<AsyncIterable<Uint8Array> | undefined> {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer: ${chunkSize}`);
    const [newest] = await this.#revisions(invoiceId);
    if (!newest) return undefined;
    return rechunk(this.#bucket.openDownloadStream(newest), chunkSize);
  }

  async close(): Promise<void> {}

  /** Newest first; uploadDate is the writer's clock, so _id breaks ties within a millisecond. */
  async #revisions(invoiceId: string): Promise<ObjectId[]> {
    const files = await this.#bucket
      .find({ filename: invoiceId }, { projection: { _id: 1 } })
      .sort({ uploadDate: -1, _id: -1 })
      .toArray();
    return files.map((file) => file._id);
  }
}

/** GridFS yields its stored chunk size (255 KiB); callers ask for their own bound. */
async function* rechunk(source: AsyncIterable<Buffer>, size: number): AsyncIterable<Uint8Array> {
  for await (const buffer of source) {
    for (let start = 0; start < buffer.byteLength; start += size) {
      yield new Uint8Array(buffer.buffer, buffer.byteOffset + start, Math.min(size, buffer.byteLength - start));
    }
  }
}

import { createReadStream } from "node:fs";
import { open, rename, stat, writeFile } from "node:fs/promises";
import { writeIntoFolder } from "@invoicing/service-kit/storage";
import { join } from "node:path";
import type { PdfStore } from "../issuing/pdf-store.js";

/**
 * PDFs as files in one folder, written to a temporary name then renamed: never half a file.
 * The file is flushed before the rename and the folder after it, so once put() resolves (and
 * the invoice is marked READY) the PDF is on disk under its name, even across a power cut.
 */
export class FilePdfStore implements PdfStore {
  constructor(private readonly dir: string) {}

  async put(invoiceId: string, pdf: Uint8Array): Promise<void> {
    const target = this.#path(invoiceId);
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeIntoFolder(this.dir, () => writeFile(temporary, pdf, { flush: true }));
    await rename(temporary, target);
    const folder = await open(this.dir, "r");
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }

  async read(invoiceId: string, chunkSize: number): Promise<AsyncIterable<Uint8Array> | undefined> {
    const path = this.#path(invoiceId);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    return exists ? createReadStream(path, { highWaterMark: chunkSize }) : undefined;
  }

  async close(): Promise<void> {}

  #path(invoiceId: string): string {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(invoiceId)) throw new Error(`not a PDF key: ${invoiceId}`);
    return join(this.dir, `${invoiceId}.pdf`);
  }
}

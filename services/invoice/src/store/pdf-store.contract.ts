import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { PdfStore } from "../issuing/pdf-store.js";

async function collect(chunks: AsyncIterable<Uint8Array>, chunkSize: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) {
    assert.ok(chunk.byteLength <= chunkSize, `a chunk of ${chunk.byteLength} bytes exceeds ${chunkSize}`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** The behaviour every PdfStore adapter must show; run once per adapter. */
export function pdfStoreContract(name: string, open: () => Promise<PdfStore>): void {
  describe(`PdfStore contract: ${name}`, () => {
    let store: PdfStore;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    const invoiceId = () => `inv_${randomUUID()}`;

    it("reads back what was put, in chunks of at most the size asked for", async () => {
      const id = invoiceId();
      // Larger than GridFS's 255 KiB chunk and not a multiple of anything involved.
      const pdf = randomBytes(300 * 1024 + 7);
      await store.put(id, new Uint8Array(pdf));
      for (const chunkSize of [1000, 64 * 1024, 1024 * 1024]) {
        const chunks = await store.read(id, chunkSize);
        assert.ok(chunks, "stored PDF not found");
        assert.ok((await collect(chunks, chunkSize)).equals(pdf));
      }
    });

    it("replaces the PDF when the same invoice is put again", async () => {
      const id = invoiceId();
      await store.put(id, new Uint8Array(randomBytes(5000)));
      const second = randomBytes(3000);
      await store.put(id, new Uint8Array(second));
      const chunks = await store.read(id, 1024);
      assert.ok(chunks);
      assert.ok((await collect(chunks, 1024)).equals(second));
    });

    it("returns undefined for an invoice with no PDF", async () => {
      assert.equal(await store.read(invoiceId(), 1024), undefined);
    });
  });
}

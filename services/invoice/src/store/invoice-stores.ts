import { connectMongo } from "@invoicing/service-kit/storage";
import { join } from "node:path";
import type { InvoiceConfig } from "../config.js";
import { FilePdfStore } from "./file-pdf-store.js";
import { GridFsPdfStore } from "./gridfs-pdf-store.js";
import type { InvoiceStore } from "../issuing/invoice-store.js";
import { MongoInvoiceStore } from "./mongo-invoice-store.js";
import type { PdfStore } from "../issuing/pdf-store.js";
import { SqliteInvoiceStore } from "./sqlite-invoice-store.js";

export interface InvoiceStores {
  invoices: InvoiceStore;
  pdfs: PdfStore;
  close(): Promise<void>;
}

/** MongoDB + GridFS when MONGODB_URL is set; otherwise SQLite and files under DATA_DIR. */
export async function openInvoiceStores(config: InvoiceConfig): Promise<InvoiceStores> {
  if (config.mongodbUrl) {
    const { client, db } = await connectMongo(config.mongodbUrl, config.mongodbDatabase);
    const invoices = await MongoInvoiceStore.open(client, db);
    const pdfs = new GridFsPdfStore(db);
    return {
      invoices,
      pdfs,
      close: async () => {
        await client.close();
      },
    };
  }
  const invoices = new SqliteInvoiceStore(join(config.dataDir, "invoice.sqlite"));
  const pdfs = new FilePdfStore(join(config.dataDir, "pdfs"));
  return {
    invoices,
    pdfs,
    close: async () => {
      await invoices.close();
      await pdfs.close();
    },
  };
}

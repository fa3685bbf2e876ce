import { mongoContract } from "@invoicing/local-stack/mongo-contract";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invoiceStoreContract } from "./invoice-store.contract.js";
import { MongoInvoiceStore } from "./mongo-invoice-store.js";
import { SqliteInvoiceStore } from "./sqlite-invoice-store.js";

invoiceStoreContract("sqlite", async () => new SqliteInvoiceStore(join(mkdtempSync(join(tmpdir(), "invoice-store-")), "invoice.sqlite")));

mongoContract("InvoiceStore contract: mongodb", (connect) =>
  invoiceStoreContract("mongodb", async () => {
    const { client, db } = await connect();
    return MongoInvoiceStore.open(client, db);
  }),
);

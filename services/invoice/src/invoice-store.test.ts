import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invoiceStoreContract } from "./invoice-store.contract.js";
import { SqliteInvoiceStore } from "./sqlite-invoice-store.js";

invoiceStoreContract(
  "sqlite",
  async () => new SqliteInvoiceStore(join(mkdtempSync(join(tmpdir(), "invoice-store-")), "invoice.sqlite")),
);

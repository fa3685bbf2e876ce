// A competing invoice worker reduced to its numbering step, for numbering-race.integration.test.ts: it
// opens the shared store itself (a SQLite file, or a MongoDB URL and database) and numbers the
// payments given on stdin, as fast as it can, printing one JSON line per result.
import { create } from "@bufbuild/protobuf";
import { InvoiceSchema, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { randomUUID } from "node:crypto";
import { connectMongo } from "@invoicing/service-kit/storage";
import type { InvoiceStore } from "../issuing/invoice-store.js";
import { MongoInvoiceStore } from "../store/mongo-invoice-store.js";
import { SqliteInvoiceStore } from "../store/sqlite-invoice-store.js";

const [path, series, database] = process.argv.slice(2) as [string, string, string | undefined];
const paymentIds = JSON.parse(await new Response(process.stdin as unknown as ReadableStream).text()) as string[];
const openStore = async (): Promise<InvoiceStore> => {
  if (!database) return new SqliteInvoiceStore(path);
  const { client, db } = await connectMongo(path, database);
  return MongoInvoiceStore.open(client, db);
};
const store = await openStore();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for (const paymentId of paymentIds) {
  const { invoice, created } = await store.createNumbered({
    invoice: create(InvoiceSchema, { invoiceId: `inv_${randomUUID()}`, paymentId, status: InvoiceStatus.PENDING }),
    series,
    clock: () => new Date(Date.UTC(2026, 5, 1)),
  });
  process.stdout.write(`${JSON.stringify({ paymentId, invoiceId: invoice.invoiceId, number: invoice.number, created })}\n`);
}
await store.close();

// Writes src/e-invoice-code-lists.json from the code lists of the e-invoice library the invoice
// service writes its XML with (@e-invoice-eu/core's JSON schema): the countries (ISO 3166-1),
// units (UN/ECE Recommendation 20) and currencies (ISO 4217) an e-invoice may state. Kept as
// data so the order service checks requests against them without loading the library (half a
// second and 60 MB); e-invoice-code-lists.test.ts fails when the library's lists change.
//   node --import tsx packages/contract-rules/scripts/refresh-e-invoice-code-lists.ts
import { invoiceSchema } from "@e-invoice-eu/core";
import { writeFileSync } from "node:fs";
import { eInvoiceCodeListsOf } from "../src/e-invoice-code-lists-source.js";

const target = new URL("../src/e-invoice-code-lists.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(eInvoiceCodeListsOf(invoiceSchema), null, 1)}\n`);
console.log(`wrote ${target.pathname}`);

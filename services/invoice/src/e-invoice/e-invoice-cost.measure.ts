// CPU cost per document of the e-invoice step, run by hand (not a test: a timing has no
// pass/fail here): node --import tsx src/e-invoice/e-invoice-cost.measure.ts [documents]
import { chromiumPdf } from "./chromium-pdf-fixture.js";
import { eInvoiceXml, E_INVOICE_FORMATS, type EInvoiceFormat } from "./e-invoice-xml.js";
import { en16931InvoiceModel } from "./en16931-invoice-model.js";
import { facturXPdf } from "./factur-x-pdf.js";
import { sampleInvoiceRecord, sampleSeller } from "./sample-invoice-record.js";

const documents = Number(process.argv[2] ?? 200);

async function cpuMsPerDocument(work: (index: number) => Promise<unknown>): Promise<number> {
  await work(-1); // first call pays for module and schema set-up; a service pays it once
  const start = process.cpuUsage();
  for (let index = 0; index < documents; index++) await work(index);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / documents;
}

const record = (index: number) => sampleInvoiceRecord({ number: `INV-2026-${String(index + 2).padStart(6, "0")}` });
const xmlCost = (format: EInvoiceFormat) =>
  cpuMsPerDocument((index) => eInvoiceXml(en16931InvoiceModel(record(index), sampleSeller), format, "de-de"));

const chromium = await chromiumPdf("<html><head><title>Rechnung</title></head><body><h1>Rechnung</h1><p>Summe 62,03 €</p></body></html>");
const xml = await eInvoiceXml(en16931InvoiceModel(record(0), sampleSeller), E_INVOICE_FORMATS.facturXCii, "de-de");
const metadata = { title: "Rechnung", author: sampleSeller.name, producer: "invoicing", date: new Date(), conformanceLevel: "EN 16931" };

console.log(`documents: ${documents}, Chromium PDF ${chromium.length} bytes, CII ${xml.length} bytes`);
console.log(`CII (Factur-X EN 16931) XML: ${(await xmlCost(E_INVOICE_FORMATS.facturXCii)).toFixed(2)} ms CPU/document`);
console.log(`XRechnung UBL XML: ${(await xmlCost(E_INVOICE_FORMATS.xrechnungUbl)).toFixed(2)} ms CPU/document`);
console.log(`XRechnung CII XML: ${(await xmlCost(E_INVOICE_FORMATS.xrechnungCii)).toFixed(2)} ms CPU/document`);
const pdfMs = await cpuMsPerDocument((index) => facturXPdf({ pdf: chromium, xml, number: `N${index}`, metadata }));
console.log(`Factur-X PDF/A-3 post-processing: ${pdfMs.toFixed(2)} ms CPU/document`);

// CPU cost per document of the e-invoice step, run by hand (a timing has no pass/fail, so it is
// no test): node --import tsx src/e-invoice/e-invoice-cost.measure.ts [documents] [rounds]
// Prints min / median / max over the rounds of CPU milliseconds per document (process.cpuUsage,
// user + system, this process only), each step measured in the same round, one after another.
import { renderInvoiceHtml } from "../issuing/invoice-template.js";
import { chromiumPdf } from "./chromium-pdf-fixture.js";
import { facturXHybrid, facturXXml } from "./e-invoice-files.js";
import { eInvoiceXml, E_INVOICE_FORMATS, libraryEInvoiceXml } from "./e-invoice-xml.js";
import { en16931InvoiceModel } from "./en16931-invoice-model.js";
import { facturXPdf } from "./factur-x-pdf.js";
import { sampleSeller } from "./sample-invoice-record.js";
import { scenarioInvoice, TAX_SCENARIOS } from "./tax-scenarios.js";

const documents = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 5);

const scenario = TAX_SCENARIOS.find((s) => s.name === "german-domestic")!;
const record = (index: number) => scenarioInvoice(scenario, index);
const printed = await chromiumPdf(renderInvoiceHtml(record(0), sampleSeller));
const cii = await facturXXml(record(0), sampleSeller);
const metadata = { title: "INV", author: sampleSeller.name, producer: "invoicing", date: new Date(), conformanceLevel: "EN 16931" };

const steps: Record<string, (index: number) => Promise<unknown>> = {
  "CII XML (attached)": (i) => facturXXml(record(i), sampleSeller),
  // The same bytes through e-invoice-eu's generate, which cii-xml-writer.ts replaced.
  "CII XML through the library (replaced)": (i) =>
    libraryEInvoiceXml(en16931InvoiceModel(record(i), sampleSeller), E_INVOICE_FORMATS.facturXCii, "de-DE"),
  "PDF/A-3 post-processing": (i) => facturXPdf({ pdf: printed, xml: cii, number: `N${i}`, metadata }),
  "the finisher's whole step (CII + PDF/A-3)": (i) => facturXHybrid(record(i), sampleSeller, printed),
  "XRechnung UBL (on request)": (i) => eInvoiceXml(en16931InvoiceModel(record(i), sampleSeller), E_INVOICE_FORMATS.xrechnungUbl, "de-DE"),
  "XRechnung CII (on request)": (i) => eInvoiceXml(en16931InvoiceModel(record(i), sampleSeller), E_INVOICE_FORMATS.xrechnungCii, "de-DE"),
};

async function cpuMsPerDocument(work: (index: number) => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let index = 0; index < documents; index++) await work(index);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / documents;
}

for (const work of Object.values(steps)) await work(-1); // module and schema set-up, paid once per process
const samples = new Map<string, number[]>(Object.keys(steps).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, work] of Object.entries(steps)) samples.get(name)!.push(await cpuMsPerDocument(work));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`${documents} documents × ${rounds} rounds; Chromium's one-page PDF ${printed.length} bytes, CII ${cii.length} bytes`);
console.log("CPU ms per document: min / median / max");
for (const [name, values] of samples) {
  console.log(`  ${name}: ${Math.min(...values).toFixed(2)} / ${median(values).toFixed(2)} / ${Math.max(...values).toFixed(2)}`);
}

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { inflateSync } from "node:zlib";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFString } from "@cantoo/pdf-lib";
import { chromiumPdf } from "./chromium-pdf-fixture.js";
import { eInvoiceXml, E_INVOICE_FORMATS } from "./e-invoice-xml.js";
import { en16931InvoiceModel } from "./en16931-invoice-model.js";
import { FACTUR_X_FILE_NAME, facturXPdf } from "./factur-x-pdf.js";
import { sampleInvoiceRecord, sampleSeller } from "./sample-invoice-record.js";

let dir: string;
let hybrid: Uint8Array;
let xml: string;
let hybridPath: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "factur-x-"));
  const chromium = await chromiumPdf(
    "<html><head><title>Rechnung</title></head><body><h1>Rechnung INV-2026-000042</h1><p>Summe 62,03 €</p></body></html>",
  );
  xml = await eInvoiceXml(en16931InvoiceModel(sampleInvoiceRecord(), sampleSeller), E_INVOICE_FORMATS.facturXCii, "de-de");
  hybrid = await facturXPdf({
    pdf: chromium,
    xml,
    number: "INV-2026-000042",
    metadata: {
      title: "Rechnung INV-2026-000042",
      author: sampleSeller.name,
      producer: "invoicing e-invoice",
      date: new Date("2026-12-03T10:15:00Z"),
      conformanceLevel: "EN 16931",
    },
  });
  hybridPath = join(dir, "hybrid.pdf");
  writeFileSync(hybridPath, hybrid);
});

after(() => rmSync(dir, { recursive: true, force: true }));

// Reading with pdf-lib's default would stamp its own Producer on the loaded copy.
const streamText = (stream: PDFRawStream): string => {
  const filter = stream.dict.get(PDFName.of("Filter"));
  const bytes = filter === PDFName.of("FlateDecode") ? inflateSync(stream.contents) : stream.contents;
  return Buffer.from(bytes).toString("utf8");
};

test("the hybrid carries factur-x.xml as the Alternative associated file, read back with pdf-lib", async () => {
  const pdf = await PDFDocument.load(hybrid, { updateMetadata: false });
  const attachments = pdf.getAttachments();
  assert.deepEqual(
    attachments.map((a) => a.name),
    [FACTUR_X_FILE_NAME],
  );
  assert.equal(Buffer.from(attachments[0]?.data ?? []).toString("utf8"), xml);
  const af = pdf.catalog.lookup(PDFName.of("AF"), PDFArray);
  assert.equal(af.size(), 1);
  const fileSpec = pdf.context.lookup(af.get(0), PDFDict);
  assert.equal(fileSpec.get(PDFName.of("AFRelationship")), PDFName.of("Alternative"));
  const embedded = pdf.context.lookup(fileSpec.lookup(PDFName.of("EF"), PDFDict).get(PDFName.of("F")));
  assert.ok(embedded instanceof PDFRawStream);
  assert.equal(embedded.dict.get(PDFName.of("Subtype")), PDFName.of("text/xml"));
});

test("the XMP declares PDF/A-3B and the Factur-X fx: values, and the trailer has an ID", async () => {
  const pdf = await PDFDocument.load(hybrid, { updateMetadata: false });
  const metadata = pdf.context.lookup(pdf.catalog.get(PDFName.of("Metadata")));
  assert.ok(metadata instanceof PDFRawStream);
  const xmp = streamText(metadata);
  assert.match(xmp, /<pdfaid:part>3<\/pdfaid:part>/);
  assert.match(xmp, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
  assert.match(xmp, /<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#<\/pdfaSchema:namespaceURI>/);
  assert.match(xmp, /<fx:DocumentType>INVOICE<\/fx:DocumentType>/);
  assert.match(xmp, /<fx:DocumentFileName>factur-x\.xml<\/fx:DocumentFileName>/);
  assert.match(xmp, /<fx:Version>1\.0<\/fx:Version>/);
  assert.match(xmp, /<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
  assert.equal(pdf.getTitle(), "Rechnung INV-2026-000042");
  assert.match(xmp, /<rdf:li xml:lang="x-default">Rechnung INV-2026-000042<\/rdf:li>/);
  assert.equal(pdf.getProducer(), "invoicing e-invoice");
  assert.match(xmp, /<pdf:Producer>invoicing e-invoice<\/pdf:Producer>/);
  assert.ok(pdf.context.trailerInfo.ID, "trailer /ID");
});

test("the catalog has an sRGB output intent with the ICC profile embedded", async () => {
  const pdf = await PDFDocument.load(hybrid, { updateMetadata: false });
  const intents = pdf.catalog.lookup(PDFName.of("OutputIntents"), PDFArray);
  assert.equal(intents.size(), 1);
  const intent = pdf.context.lookup(intents.get(0), PDFDict);
  assert.equal(intent.get(PDFName.of("S")), PDFName.of("GTS_PDFA1"));
  assert.equal((intent.get(PDFName.of("OutputConditionIdentifier")) as PDFString).decodeText(), "sRGB IEC61966-2.1");
  const profile = pdf.context.lookup(intent.get(PDFName.of("DestOutputProfile")));
  assert.ok(profile instanceof PDFRawStream);
  const icc = inflateSync(profile.contents);
  // An ICC header: bytes 36..39 are the signature "acsp", and the colour space is RGB.
  assert.equal(icc.subarray(36, 40).toString("latin1"), "acsp");
  assert.equal(icc.subarray(16, 20).toString("latin1"), "RGB ");
});

test("poppler and qpdf read the hybrid: one page, the attachment listed, no structural error", () => {
  const detach = execFileSync("pdfdetach", ["-list", hybridPath], { encoding: "utf8" });
  assert.match(detach, /^1 embedded files\n1: factur-x\.xml$/m);
  const info = execFileSync("pdfinfo", ["-meta", hybridPath], { encoding: "utf8" });
  assert.match(info, /<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
  const summary = execFileSync("pdfinfo", [hybridPath], { encoding: "utf8" });
  assert.match(summary, /^Title:\s+Rechnung INV-2026-000042$/m);
  assert.match(summary, /^Producer:\s+invoicing e-invoice$/m);
  assert.equal(execFileSync("qpdf", ["--show-npages", hybridPath], { encoding: "utf8" }).trim(), "1");
  assert.match(execFileSync("qpdf", ["--check", hybridPath], { encoding: "utf8" }), /No syntax or stream encoding errors found/);
  execFileSync("pdfdetach", ["-save", "1", "-o", join(dir, "out.xml"), hybridPath]);
  assert.equal(readFileSync(join(dir, "out.xml"), "utf8"), xml);
});

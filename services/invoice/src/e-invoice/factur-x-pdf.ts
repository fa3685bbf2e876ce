import { createHash } from "node:crypto";
import { AFRelationship, PDFDocument, PDFHexString, PDFName } from "@cantoo/pdf-lib";
import { facturXXmp, type FacturXMetadata } from "./factur-x-xmp.js";
import { useNativeDeflate } from "./native-deflate.js";
import { addSrgbOutputIntent } from "./srgb-output-intent.js";

export const FACTUR_X_FILE_NAME = "factur-x.xml";

export interface FacturXInput {
  /** The PDF Chromium printed. */
  pdf: Uint8Array;
  /** The CII XML at the profile named by conformanceLevel. */
  xml: string;
  /** BT-1, for the document ID. */
  number: string;
  metadata: Omit<FacturXMetadata, "documentFileName">;
}

/**
 * Turns Chromium's PDF into a Factur-X hybrid: PDF/A-3b metadata with the fx: extension
 * schema, an sRGB output intent, a document ID, and the XML attached as factur-x.xml with
 * AFRelationship Alternative (listed in the catalog's /AF). The same input gives the same
 * bytes: dates come from the metadata, the ID from the content.
 */
export async function facturXPdf(input: FacturXInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(input.pdf, { updateMetadata: false });
  useNativeDeflate(pdf);
  const meta: FacturXMetadata = { ...input.metadata, documentFileName: FACTUR_X_FILE_NAME };

  // A fresh Info dictionary: Chromium's has values (Creator "Chromium", Producer "Skia/PDF")
  // that the XMP would then have to repeat, and PDF/A requires the two to agree.
  pdf.context.trailerInfo.Info = pdf.context.register(pdf.context.obj({}));
  pdf.setTitle(meta.title);
  pdf.setAuthor(meta.author);
  pdf.setProducer(meta.producer);
  pdf.setCreator(meta.producer);
  pdf.setCreationDate(meta.date);
  pdf.setModificationDate(meta.date);

  await pdf.attach(new TextEncoder().encode(input.xml), FACTUR_X_FILE_NAME, {
    mimeType: "text/xml",
    description: `Factur-X ${meta.conformanceLevel} invoice ${input.number}`,
    creationDate: meta.date,
    modificationDate: meta.date,
    afRelationship: AFRelationship.Alternative,
  });

  const xmp = new TextEncoder().encode(facturXXmp(meta));
  // Metadata stays uncompressed: PDF/A readers and validators look for the packet in clear.
  const metadata = pdf.context.stream(xmp, { Type: "Metadata", Subtype: "XML", Length: xmp.length });
  pdf.catalog.set(PDFName.of("Metadata"), pdf.context.register(metadata));
  addSrgbOutputIntent(pdf);

  // PDF/A requires a file identifier in the trailer; Chromium writes none.
  const id = createHash("sha256").update(input.number).update(input.xml).digest("hex").slice(0, 32);
  pdf.context.trailerInfo.ID = pdf.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);

  return pdf.save({ useObjectStreams: false });
}

/** The factur-x.xml a stored PDF carries, as it was attached; undefined for a plain PDF or bytes no PDF reader takes. */
export async function attachedFacturXXml(pdf: Uint8Array): Promise<Uint8Array | undefined> {
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch {
    return undefined;
  }
  return document.getAttachments().find((attachment) => attachment.name === FACTUR_X_FILE_NAME)?.data;
}

import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { PDFName, PDFString, type PDFDocument } from "@cantoo/pdf-lib";

// PDF/A needs an output intent whenever a page uses device colour, which Chromium's pages do
// (DeviceRGB). Debian's icc-profiles-free ships an sRGB profile under the zlib licence
// (installed by scripts/install.sh); it is read once per process, not per document.
export const SRGB_PROFILE_PATH = "/usr/share/color/icc/sRGB.icc";

let profile: Uint8Array | undefined;
let compressedProfile: Uint8Array | undefined;

/**
 * The profile, read on first use. The wiring calls it at start, so a machine without it stops
 * the service naming the file instead of refusing every document it would have issued.
 */
export function srgbProfile(): Uint8Array {
  if (!profile) {
    try {
      profile = readFileSync(SRGB_PROFILE_PATH);
    } catch (error) {
      throw new Error(`no sRGB ICC profile at ${SRGB_PROFILE_PATH} (apt-get install icc-profiles-free): ${error}`);
    }
  }
  return profile;
}

export function addSrgbOutputIntent(pdf: PDFDocument): void {
  // The same profile in every document: compressed once, not by pdf-lib's JavaScript deflate
  // for each one (a tenth of the invoice service's CPU per document in the profile).
  compressedProfile ??= deflateSync(srgbProfile());
  const stream = pdf.context.stream(compressedProfile, { N: 3, Filter: "FlateDecode", Length: compressedProfile.length });
  const intent = pdf.context.obj({
    Type: "OutputIntent",
    S: "GTS_PDFA1",
    OutputConditionIdentifier: PDFString.of("sRGB IEC61966-2.1"),
    Info: PDFString.of("sRGB IEC61966-2.1"),
    DestOutputProfile: pdf.context.register(stream),
  });
  pdf.catalog.set(PDFName.of("OutputIntents"), pdf.context.obj([pdf.context.register(intent)]));
}

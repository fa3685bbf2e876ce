import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * How many glyphs a PDF draws with .notdef (glyph 0 of a two-byte CID font): what a browser
 * prints when no installed font has a character, the empty box a reader sees. Text extraction
 * cannot tell: the PDF's ToUnicode map still names the character the box stands for.
 *
 * Reads the pages' content streams as qpdf writes them uncompressed (--qdf), follows each
 * `/Fn size Tf` to know whether the current font is a Type0 (CID, two bytes per glyph) font,
 * and counts the <0000> codes in its hex strings. Chromium writes every Type0 glyph that way.
 */
export function missingGlyphs(pdf: Uint8Array): number {
  const dir = mkdtempSync(join(tmpdir(), "pdf-glyphs-"));
  try {
    const input = join(dir, "in.pdf");
    const output = join(dir, "qdf.pdf");
    writeFileSync(input, pdf);
    execFileSync("qpdf", ["--qdf", "--object-streams=disable", input, output]);
    return countNotdef(readFileSync(output, "latin1"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function countNotdef(qdf: string): number {
  const objects = new Map<number, string>();
  for (const m of qdf.matchAll(/^(\d+) 0 obj\n([\s\S]*?)^endobj/gm)) objects.set(Number(m[1]), m[2]!);
  const cidFontNames = new Set<string>();
  for (const m of qdf.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    if (/\/Subtype \/Type0\b/.test(objects.get(Number(m[2])) ?? "")) cidFontNames.add(m[1]!);
  }
  const contents = [...qdf.matchAll(/\/Contents (?:(\d+) 0 R|\[([^\]]*)\])/g)].flatMap((m) =>
    m[1] ? [Number(m[1])] : [...m[2]!.matchAll(/(\d+) 0 R/g)].map((r) => Number(r[1])),
  );
  let missing = 0;
  for (const number of contents) {
    let current = "";
    // Font selections and shown strings, in the order the content draws them.
    for (const m of (objects.get(number) ?? "").matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9a-fA-F]*)>/g)) {
      if (m[1]) {
        current = m[1];
        continue;
      }
      if (!cidFontNames.has(current)) continue;
      const hex = m[2]!;
      for (let i = 0; i + 4 <= hex.length; i += 4) if (hex.slice(i, i + 4) === "0000") missing++;
    }
  }
  return missing;
}

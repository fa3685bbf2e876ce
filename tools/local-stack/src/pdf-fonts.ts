import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PdfFont {
  /** The font's name in the PDF, its subset tag taken off ("NotoSansCJKjp-Regular"). */
  name: string;
  type: string;
  embedded: boolean;
  /** Whether it carries a ToUnicode map, which text extraction and PDF/A need. */
  toUnicode: boolean;
}

/** The fonts of a PDF as poppler's pdffonts lists them. */
export function pdfFonts(pdf: Uint8Array): PdfFont[] {
  const dir = mkdtempSync(join(tmpdir(), "pdf-fonts-"));
  try {
    const file = join(dir, "in.pdf");
    writeFileSync(file, pdf);
    const lines = execFileSync("pdffonts", [file], { encoding: "utf8" }).split("\n");
    // name type encoding emb sub uni object ID; the header is two lines, the columns are
    // fixed by the dashes of the second.
    const columns = [...(lines[1] ?? "").matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length] as const);
    const cell = (line: string, i: number) => line.slice(columns[i]![0], columns[i]![1]).trim();
    return lines
      .slice(2)
      .filter((line) => line.trim() !== "")
      .map((line) => ({
        name: cell(line, 0).replace(/^[A-Z]{6}\+/, ""),
        type: cell(line, 1),
        embedded: cell(line, 3) === "yes",
        toUnicode: cell(line, 5) === "yes",
      }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

// Test fixture: a real Chromium PDF, printed the way the renderer prints (Debian's headless
// shell, JavaScript off, A4 with backgrounds), so the post-processing is proven on the bytes
// it will meet in production rather than on a PDF some other library wrote.
const candidates = ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell"];

export async function chromiumPdf(html: string): Promise<Uint8Array> {
  return (await chromiumPdfs([html]))[0]!;
}

/** Each HTML printed in turn by one browser, which costs a second to start. */
export async function chromiumPdfs(htmls: readonly string[]): Promise<Uint8Array[]> {
  const executablePath = candidates.find((path) => existsSync(path));
  if (!executablePath) throw new Error(`no Chromium at ${candidates.join(" or ")}: run scripts/install.sh`);
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const pdfs: Uint8Array[] = [];
    for (const html of htmls) {
      await page.setContent(html);
      pdfs.push(await page.pdf({ format: "A4", printBackground: true }));
    }
    return pdfs;
  } finally {
    await browser.close();
  }
}

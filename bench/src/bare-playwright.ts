import { launchChromium } from "@invoicing/renderer/browser-launcher";
import { refuseRequest } from "@invoicing/renderer/hostile-input-policy";
import { PagePrinter } from "@invoicing/renderer/page-printer";
import { printParameters } from "@invoicing/renderer/print-parameters";
import { chromium, type Browser } from "playwright-core";
import { closedLoop, type CpuWindow, type LoopResult } from "./load-loops.js";

/** How one print is made; the bare loop is the first, the others are what could make it cheaper or dearer. */
export interface PrintVariant {
  name: string;
  javaScriptEnabled: boolean;
  waitUntil: "load" | "domcontentloaded";
  /** Every request routed and aborted, as the renderer does to keep documents offline. */
  abortRequests: boolean;
  /** Written and printed over a DevTools session of the page's own, as the renderer does (page-printer.ts). */
  devTools?: boolean;
}

export const BARE: PrintVariant = {
  name: "bare: JS off, wait for load",
  javaScriptEnabled: false,
  waitUntil: "load",
  abortRequests: false,
};

export const VARIANTS: PrintVariant[] = [
  BARE,
  { ...BARE, name: "JS off, wait for DOMContentLoaded", waitUntil: "domcontentloaded" },
  { ...BARE, name: "JS off, requests routed and aborted (as the renderer)", abortRequests: true },
  { ...BARE, name: "JS on", javaScriptEnabled: true },
  { ...BARE, name: "JS off, printed over DevTools (as the renderer)", devTools: true },
];

const pdfOptions = { format: "A4", printBackground: true, preferCSSPageSize: true } as const;

/**
 * Playwright driving Chromium straight from this process, with no service around it: pages
 * reused, `setContent` then `pdf`, as many pages as workers. What Chromium itself can do.
 */
export class BarePlaywright {
  private constructor(readonly browser: Browser) {}

  static async launch(executablePath: string): Promise<BarePlaywright> {
    // The renderer's own launch (same flags), so the comparison is of everything around it.
    return new BarePlaywright((await launchChromium(executablePath)).browser);
  }

  async rate(
    html: string,
    variant: PrintVariant,
    concurrency: number,
    timing: { warmupMs: number; windowMs: number },
    window?: CpuWindow,
  ): Promise<LoopResult> {
    const context = await this.browser.newContext({ javaScriptEnabled: variant.javaScriptEnabled, offline: true });
    try {
      // The renderer's own request rule, so this variant costs what the renderer's routing costs.
      if (variant.abortRequests) await context.route("**/*", refuseRequest);
      const pages = await Promise.all(Array.from({ length: concurrency }, () => context.newPage()));
      const printers = variant.devTools ? await Promise.all(pages.map((page) => PagePrinter.open(page))) : [];
      const parameters = printParameters({ format: "A4", landscape: false }, 100);
      return await closedLoop(
        concurrency,
        timing,
        async (worker) => {
          if (variant.devTools) return printers[worker]!.print(html, parameters);
          const page = pages[worker]!;
          await page.setContent(html, { waitUntil: variant.waitUntil });
          return page.pdf(pdfOptions);
        },
        window,
      );
    } finally {
      await context.close();
    }
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

/** The naive renderer: a browser launched, used once and closed for every PDF. */
export async function launchPerPdf(executablePath: string, html: string, pdfs: number): Promise<{ perSecond: number; medianMs: number }> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < pdfs; i++) {
    const at = performance.now();
    const browser = await chromium.launch({ executablePath, headless: true });
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.setContent(html, { waitUntil: "load" });
    await page.pdf(pdfOptions);
    await browser.close();
    times.push(performance.now() - at);
  }
  times.sort((a, b) => a - b);
  return { perSecond: pdfs / ((performance.now() - started) / 1000), medianMs: times[Math.floor(times.length / 2)]! };
}

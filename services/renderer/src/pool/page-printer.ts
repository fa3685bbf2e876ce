import type { CDPSession, Page } from "playwright-core";
import type { PrintParameters } from "./print-parameters.js";

/**
 * Prints documents in one page through a DevTools session of its own: the document written
 * with Page.setDocumentContent (document.open, write, close, as before: never a URL), its load
 * awaited, then Page.printToPDF answering with the PDF itself. Playwright's setContent and
 * pdf() did the same through its utility world, a console marker, lifecycle tracking and a
 * stream read in chunks: measured side by side on this document, about 2 ms of Node and 2 ms
 * of Chromium CPU per PDF more (bench/README.md). Playwright still owns the page: its
 * request routing, crash and close events, URL and frames, and the navigation of a reset.
 */
export class PagePrinter {
  #nextLoad: { since: number; resolve: () => void; reject: (error: Error) => void } | undefined;
  #gone: Error | undefined;

  private constructor(
    private readonly session: CDPSession,
    private readonly frameId: string,
    page: Page,
  ) {
    session.on("Page.loadEventFired", ({ timestamp }) => {
      const waiting = this.#nextLoad;
      // A load that happened before the wait began is another document's: one a reset's
      // navigation or a document's own refresh left, whose event can reach this session after
      // the page went back to the pool. The event's time is Chromium's monotonic clock, the
      // one process.hrtime reads on the same machine.
      if (!waiting || timestamp < waiting.since) return;
      this.#nextLoad = undefined;
      waiting.resolve();
    });
    // A page whose renderer died fires no load: the render fails now, not at its deadline.
    const gone = (reason: string) => () => {
      this.#gone = new Error(`page ${reason} while loading its document`);
      this.#nextLoad?.reject(this.#gone);
      this.#nextLoad = undefined;
    };
    page.once("crash", gone("crashed"));
    page.once("close", gone("closed"));
  }

  static async open(page: Page): Promise<PagePrinter> {
    const session = await page.context().newCDPSession(page);
    await session.send("Page.enable");
    const { frameTree } = await session.send("Page.getFrameTree");
    return new PagePrinter(session, frameTree.frame.id, page);
  }

  /**
   * The main frame's first load from now on. Asked before whatever causes it, since the event
   * may come before the command's answer.
   */
  nextLoad(): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone);
    const since = Number(process.hrtime.bigint()) / 1e9;
    return new Promise((resolve, reject) => (this.#nextLoad = { since, resolve, reject }));
  }

  async print(html: string, parameters: PrintParameters): Promise<Buffer> {
    const loaded = this.nextLoad();
    // Not left unhandled if setDocumentContent fails first.
    loaded.catch(() => undefined);
    await this.session.send("Page.setDocumentContent", { frameId: this.frameId, html });
    await loaded;
    const { data } = await this.session.send("Page.printToPDF", parameters);
    return Buffer.from(data, "base64");
  }
}

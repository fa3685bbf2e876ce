import type { Browser, BrowserContext, Page } from "playwright-core";

export class QueueFullError extends Error {
  constructor(readonly depth: number) {
    super(`render queue is full (${depth} waiting)`);
  }
}

export class RenderTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`render did not finish within ${timeoutMs} ms`);
  }
}

export class PoolClosedError extends Error {
  constructor() {
    super("renderer is shutting down");
  }
}

export interface PdfOptions {
  format: "A4" | "Letter";
  landscape: boolean;
  margin?: { top?: string; right?: string; bottom?: string; left?: string };
}

export interface RenderResult {
  pdf: Buffer;
  pageCount: number;
  renderMillis: number;
  queueMillis: number;
}

export interface PoolEvents {
  /** The browser died and is being replaced: the server is NOT_SERVING meanwhile. */
  onBrowserDown?: () => void;
  onBrowserUp?: () => void;
  onError?: (error: unknown) => void;
}

/**
 * A fixed set of Chromium pages reused across requests, each rendering one document at a time.
 * Pages run with JavaScript off and every request except data: URLs aborted, so a document
 * can neither run script nor reach the network or the file system.
 */
export class PagePool {
  readonly #launch: () => Promise<Browser>;
  readonly #size: number;
  readonly #queueLimit: number;
  readonly #timeoutMs: number;
  readonly #events: PoolEvents;
  #browser: Browser | undefined;
  #context: BrowserContext | undefined;
  #idle: Page[] = [];
  #waiting: Array<{ resolve: (page: Page) => void; reject: (error: Error) => void }> = [];
  #inFlight = 0;
  #closed = false;
  #restarting: Promise<void> | undefined;

  constructor(options: {
    launch: () => Promise<Browser>;
    size: number;
    queueLimit: number;
    timeoutMs: number;
    events?: PoolEvents;
  }) {
    this.#launch = options.launch;
    this.#size = options.size;
    this.#queueLimit = options.queueLimit;
    this.#timeoutMs = options.timeoutMs;
    this.#events = options.events ?? {};
  }

  get queueDepth(): number {
    return this.#waiting.length;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async start(): Promise<void> {
    const browser = await this.#launch();
    let context: BrowserContext;
    let pages: Page[];
    try {
      context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      await context.route("**/*", (route) => route.abort("blockedbyclient"));
      pages = await Promise.all(Array.from({ length: this.#size }, () => context.newPage()));
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
    this.#browser = browser;
    this.#context = context;
    browser.on("disconnected", () => {
      if (!this.#closed && this.#browser === browser) this.#replaceBrowser();
    });
    for (const page of pages) this.#release(page);
  }

  async render(html: string, options: PdfOptions): Promise<RenderResult> {
    if (this.#closed) throw new PoolClosedError();
    const queuedAt = performance.now();
    const page = await this.#acquire();
    const startedAt = performance.now();
    this.#inFlight++;
    let healthy = true;
    try {
      const pdf = await this.#withDeadline(this.#print(page, html, options), () => {
        healthy = false;
      });
      return {
        pdf,
        pageCount: countPages(pdf),
        renderMillis: Math.round(performance.now() - startedAt),
        queueMillis: Math.round(startedAt - queuedAt),
      };
    } catch (error) {
      // A crashed renderer process leaves the page open but useless: never reuse a page
      // whose render failed.
      healthy = false;
      throw error;
    } finally {
      this.#inFlight--;
      if (healthy) this.#release(page);
      else void this.#replacePage(page);
    }
  }

  /** Stops taking work, lets renders in flight finish, closes the browser. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new PoolClosedError());
    while (this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.#restarting;
    await this.#browser?.close().catch(() => undefined);
  }

  async #print(page: Page, html: string, options: PdfOptions): Promise<Buffer> {
    await page.setContent(html, { waitUntil: "load" });
    return page.pdf({
      format: options.format,
      landscape: options.landscape,
      printBackground: true,
      preferCSSPageSize: true,
      ...(options.margin ? { margin: options.margin } : {}),
    });
  }

  #withDeadline<T>(work: Promise<T>, onTimeout: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new RenderTimeoutError(this.#timeoutMs));
      }, this.#timeoutMs);
    });
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  #acquire(): Promise<Page> {
    const page = this.#idle.pop();
    if (page) return Promise.resolve(page);
    if (this.#waiting.length >= this.#queueLimit) {
      return Promise.reject(new QueueFullError(this.#waiting.length));
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(page: Page): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(page);
    else this.#idle.push(page);
  }

  async #replacePage(page: Page): Promise<void> {
    const context = page.context();
    await page.close().catch(() => undefined);
    // A page of a browser that has since been replaced is not replaced: the restart already
    // made a full set of pages.
    if (this.#closed || this.#restarting || context !== this.#context) return;
    try {
      this.#release(await context.newPage());
    } catch (error) {
      this.#events.onError?.(error);
      // The context is gone with its browser; the restart hands out fresh pages.
    }
  }

  #replaceBrowser(): void {
    if (this.#restarting) return;
    this.#events.onBrowserDown?.();
    this.#idle = [];
    this.#restarting = (async () => {
      for (let attempt = 1; !this.#closed; attempt++) {
        try {
          await this.start();
          this.#events.onBrowserUp?.();
          return;
        } catch (error) {
          this.#events.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * attempt)));
        }
      }
    })().finally(() => {
      this.#restarting = undefined;
    });
  }
}

/** Page objects in a Chromium PDF (the page tree's leaves, not the /Pages nodes). */
export function countPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

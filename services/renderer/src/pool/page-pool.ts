import type { Browser, BrowserContext, Page } from "playwright-core";
import { openHostileContext } from "../rendering/hostile-input-policy.js";
import { keepsTooMuch, LONG_RENDER_MS, MemoryWatch, type MemoryBudget, type ProcessToStop } from "../memory/memory-watch.js";
import { PageCrashes } from "./page-crashes.js";
import { PageProcesses } from "./page-processes.js";
import { immediateFate, settle, type PageFate } from "./page-reuse.js";
import { countPages, printDocument } from "./print-step.js";
import type { DocumentRenderer, PdfOptions, RenderResult } from "../rendering/document-renderer.js";
import { processTreeMemory } from "../memory/process-memory.js";
import { withDeadline } from "../rendering/render-deadline.js";
import {
  PoolClosedError,
  QueueFullError,
  RenderMemoryError,
  TooManyPagesError,
} from "../rendering/render-errors.js";

export interface PoolEvents {
  /** The browser died and is being replaced: the server is NOT_SERVING meanwhile. */
  onBrowserDown?: () => void;
  onBrowserUp?: () => void;
  /** A fresh browser took over from a healthy one that had done enough (see RecyclePolicy). */
  onRecycled?: (reason: string) => void;
  onError?: (error: unknown) => void;
  /** A page left unclean by its document was reset to about:blank, or replaced. */
  onPageNotReused?: (fate: Exclude<PageFate, "reuse">) => void;
  /** The memory watch killed a render's Chromium process. */
  onMemoryStop?: (stopped: ProcessToStop) => void;
}

/** When a healthy browser is swapped for a fresh one, before it grows or leaks. */
export interface RecyclePolicy {
  /** Renders per browser; 0 never. */
  afterRenders: number;
  /** Resident memory of the browser's process tree; 0 never. Checked every `memoryCheckEvery` renders. */
  maxBrowserBytes: number;
  memoryCheckEvery: number;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** The browser's main process, to measure its memory; undefined when unknown. */
  pid: number | undefined;
}

/** One browser with its context and pages; the pool retires a generation without failing its renders. */
interface Generation {
  launched: LaunchedBrowser;
  context: BrowserContext;
  renders: number;
  busy: number;
  retiring: boolean;
}

/** Limits on one render, whatever its document (see print-step.ts and memory-watch.ts). */
export interface RenderLimits {
  maxPages: number;
  memory: MemoryBudget;
}

/** How long a failed render waits for its page to report a crash (only failed renders wait). */
const CRASH_NOTICE_MS = 1_000;

const NO_LIMITS: RenderLimits = { maxPages: 100_000, memory: { perRenderBytes: 0, totalBytes: 0 } };

/**
 * A fixed set of Chromium pages reused across requests, each rendering one document at a time,
 * under the hostile-input policy (hostile-input-policy.ts): no script, no request but data:,
 * no navigation, and a page reused only once it is seen to be clean. One render's memory is
 * bounded by the memory watch, its length by a page limit.
 *
 * The browser is recycled after a number of renders or past a memory bound: a fresh one is
 * launched beside it and takes new work, and the old one closes when its last render is done,
 * so no request fails for it. A browser that dies is replaced too, with health NOT_SERVING
 * meanwhile.
 */
export class PagePool implements DocumentRenderer {
  readonly #launch: () => Promise<LaunchedBrowser>;
  readonly #size: number;
  readonly #queueLimit: number;
  readonly #timeoutMs: number;
  readonly #recycle: RecyclePolicy;
  readonly #events: PoolEvents;
  readonly #limits: RenderLimits;
  readonly #generationOf = new WeakMap<Page, Generation>();
  readonly #crashes = new PageCrashes();
  readonly #processes = new PageProcesses();
  /** Start time of each render in flight, for the memory watch. */
  readonly #running = new Map<Page, number>();
  #watch: MemoryWatch | undefined;
  #current: Generation | undefined;
  #idle: Page[] = [];
  #waiting: Array<{ resolve: (page: Page) => void; reject: (error: Error) => void }> = [];
  #inFlight = 0;
  #closed = false;
  #restarting: Promise<void> | undefined;
  #recycling: Promise<void> | undefined;
  #retired = new Set<Generation>();

  constructor(options: {
    launch: () => Promise<LaunchedBrowser>;
    size: number;
    queueLimit: number;
    timeoutMs: number;
    recycle?: RecyclePolicy;
    limits?: RenderLimits;
    events?: PoolEvents;
  }) {
    this.#limits = options.limits ?? NO_LIMITS;
    this.#launch = options.launch;
    this.#size = options.size;
    this.#queueLimit = options.queueLimit;
    this.#timeoutMs = options.timeoutMs;
    this.#recycle = options.recycle ?? { afterRenders: 0, maxBrowserBytes: 0, memoryCheckEvery: 100 };
    this.#events = options.events ?? {};
  }

  get queueDepth(): number {
    return this.#waiting.length;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resident memory of the current browser's process tree, bytes; 0 when unknown. */
  browserMemoryBytes(): number {
    const pid = this.#current?.launched.pid;
    return pid === undefined ? 0 : processTreeMemory(pid);
  }

  async start(): Promise<void> {
    this.#install(await this.#newGeneration());
    this.#watch = new MemoryWatch({
      budget: this.#limits.memory,
      browserPids: () =>
        [this.#current, ...this.#retired].flatMap((generation) => (generation?.launched.pid === undefined ? [] : [generation.launched.pid])),
      longestRenderMs: () => {
        let oldest = Infinity;
        for (const startedAt of this.#running.values()) oldest = Math.min(oldest, startedAt);
        return oldest === Infinity ? 0 : performance.now() - oldest;
      },
      onStopped: (stopped) => this.#events.onMemoryStop?.(stopped),
      closeProcess: (pid) => {
        const page = this.#processes.pageOf(pid);
        if (!page) return false;
        void page.close({ runBeforeUnload: false }).catch(() => undefined);
        return true;
      },
    });
  }

  async render(html: string, options: PdfOptions): Promise<RenderResult> {
    if (this.#closed) throw new PoolClosedError();
    const queuedAt = performance.now();
    const page = await this.#acquire();
    const generation = this.#generationOf.get(page)!;
    const startedAt = performance.now();
    this.#inFlight++;
    generation.busy++;
    generation.renders++;
    this.#running.set(page, startedAt);
    // Only a page whose render ended with a PDF (or a refusal of its length) may be reused,
    // and only once seen clean; a timed-out or failed one (a crashed renderer leaves the page
    // open but useless) is replaced.
    let printed = false;
    let timedOut = false;
    try {
      const pdf = await withDeadline(printDocument(page, html, options, this.#limits.maxPages), this.#timeoutMs, () => {
        timedOut = true;
      });
      printed = !timedOut;
      return {
        pdf,
        pageCount: countPages(pdf),
        renderMillis: Math.round(performance.now() - startedAt),
        queueMillis: Math.round(startedAt - queuedAt),
      };
    } catch (error) {
      if (error instanceof TooManyPagesError) printed = !timedOut;
      else if (!timedOut) {
        const reason = await this.#stoppedForMemory(page);
        if (reason) throw new RenderMemoryError(reason);
      }
      throw error;
    } finally {
      this.#running.delete(page);
      this.#inFlight--;
      generation.busy--;
      if (!printed) void this.#replacePage(page);
      else if (performance.now() - startedAt >= LONG_RENDER_MS && this.#keepsTooMuch(page)) {
        this.#events.onPageNotReused?.("replace");
        void this.#replacePage(page);
      } else if (immediateFate(page, this.#crashes.has(page), html) === "reuse") this.#release(page);
      else void this.#settle(page, html);
      if (generation.retiring && generation.busy === 0) void this.#closeGeneration(generation);
      this.#recycleIfDue(generation);
    }
  }

  /**
   * Why the memory watch killed this page's renderer process, if it did: by the process it
   * stopped (the stop comes before the failure it causes), or, for a page whose process is
   * not known, by the crash the page reports.
   */
  async #stoppedForMemory(page: Page): Promise<string | undefined> {
    const pid = this.#processes.pidOf(page);
    if (pid !== undefined) return this.#watch?.claimStop(pid);
    return (await this.#crashes.within(page, CRASH_NOTICE_MS)) ? this.#watch?.claimStop() : undefined;
  }

  /** A quarter of one render's bound, so what pages keep cannot crowd out the next render. */
  #keepsTooMuch(page: Page): boolean {
    const pid = this.#processes.pidOf(page);
    return pid !== undefined && keepsTooMuch(pid, this.#limits.memory.perRenderBytes / 4);
  }

  async #settle(page: Page, html: string): Promise<void> {
    const fate = await settle(page, () => this.#crashes.has(page), html);
    if (fate === "reuse") return this.#release(page);
    this.#events.onPageNotReused?.(fate);
    if (fate === "reset") this.#release(page);
    else await this.#replacePage(page);
  }

  /** Stops taking work, lets renders in flight finish, closes the browser. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watch?.close();
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new PoolClosedError());
    while (this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.#restarting;
    await this.#recycling;
    await Promise.all([...this.#retired].map((generation) => this.#closeGeneration(generation)));
    await this.#current?.launched.browser.close().catch(() => undefined);
  }

  async #newGeneration(): Promise<{ generation: Generation; pages: Page[] }> {
    const launched = await this.#launch();
    const { browser } = launched;
    try {
      const context = await openHostileContext(browser);
      const pages = await Promise.all(Array.from({ length: this.#size }, () => this.#newPage(context, launched.pid)));
      const generation: Generation = { launched, context, renders: 0, busy: 0, retiring: false };
      for (const page of pages) this.#generationOf.set(page, generation);
      browser.on("disconnected", () => {
        if (!this.#closed && this.#current === generation) this.#replaceBrowser();
      });
      return { generation, pages };
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  /** Makes `generation` the one that takes work; the previous one, if any, retires. */
  #install({ generation, pages }: { generation: Generation; pages: Page[] }): void {
    const previous = this.#current;
    this.#current = generation;
    const stale = this.#idle;
    this.#idle = [];
    for (const page of pages) this.#release(page);
    if (!previous) return;
    previous.retiring = true;
    this.#retired.add(previous);
    for (const page of stale) void page.close().catch(() => undefined);
    if (previous.busy === 0) void this.#closeGeneration(previous);
  }

  async #closeGeneration(generation: Generation): Promise<void> {
    if (!this.#retired.delete(generation)) return;
    await generation.launched.browser.close().catch(() => undefined);
  }

  #recycleIfDue(generation: Generation): void {
    const policy = this.#recycle;
    if (this.#closed || this.#recycling || this.#restarting || generation !== this.#current) return;
    let reason: string | undefined;
    if (policy.afterRenders > 0 && generation.renders >= policy.afterRenders) {
      reason = `${generation.renders} renders`;
    } else if (
      policy.maxBrowserBytes > 0 &&
      generation.launched.pid !== undefined &&
      generation.renders % policy.memoryCheckEvery === 0
    ) {
      const bytes = processTreeMemory(generation.launched.pid);
      if (bytes > policy.maxBrowserBytes) reason = `browser memory ${Math.round(bytes / 2 ** 20)} MiB`;
    }
    if (!reason) return;
    const why = reason;
    this.#recycling = (async () => {
      try {
        const next = await this.#newGeneration();
        // A crash replacement started meanwhile installs its own browser: ours would be
        // dropped by it without being closed.
        if (this.#closed || this.#restarting || this.#current !== generation) {
          await next.generation.launched.browser.close().catch(() => undefined);
          return;
        }
        this.#install(next);
        this.#events.onRecycled?.(why);
      } catch (error) {
        // The old browser keeps serving; the next render tries again.
        this.#events.onError?.(error);
      }
    })().finally(() => {
      this.#recycling = undefined;
    });
  }

  async #newPage(context: BrowserContext, browserPid: number | undefined): Promise<Page> {
    const page = await this.#processes.open(context, browserPid);
    this.#crashes.track(page);
    return page;
  }

  #acquire(): Promise<Page> {
    for (let page = this.#idle.pop(); page; page = this.#idle.pop()) {
      // An idle page whose renderer died (the memory watch, a crash) would fail the render.
      if (!page.isClosed() && !this.#crashes.has(page)) return Promise.resolve(page);
      void this.#replacePage(page);
    }
    if (this.#waiting.length >= this.#queueLimit) {
      return Promise.reject(new QueueFullError(this.#waiting.length));
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(page: Page): void {
    // A page of a retired browser goes with it; the current browser's pages take the work.
    if (this.#generationOf.get(page) !== this.#current) {
      void page.close().catch(() => undefined);
      return;
    }
    const next = this.#waiting.shift();
    if (next) next.resolve(page);
    else this.#idle.push(page);
  }

  async #replacePage(page: Page): Promise<void> {
    const generation = this.#generationOf.get(page);
    await page.close().catch(() => undefined);
    // A page of a browser that has since been replaced is not replaced: the restart already
    // made a full set of pages.
    if (this.#closed || this.#restarting || !generation || generation !== this.#current) return;
    try {
      const fresh = await this.#newPage(generation.context, generation.launched.pid);
      this.#generationOf.set(fresh, generation);
      this.#release(fresh);
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
          const next = await this.#newGeneration();
          // The dead browser's generation is simply dropped: it has nothing left to close.
          this.#current = undefined;
          this.#install(next);
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

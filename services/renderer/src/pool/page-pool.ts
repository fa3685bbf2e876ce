import type { Page } from "playwright-core";
import { LONG_RENDER_MS, type MemoryBudget, type ProcessToStop } from "../memory/memory-watch.js";
import { processTreeMemory } from "../memory/process-memory.js";
import type { DocumentRenderer, PdfOptions, RenderResult } from "../rendering/document-renderer.js";
import { withDeadline } from "../rendering/render-deadline.js";
import { RenderMemoryError, TooManyPagesError } from "../rendering/render-errors.js";
import type { LaunchedBrowser } from "./browser-launcher.js";
import { BrowserGenerations } from "./browser-generations.js";
import type { GenerationEvents } from "./generation.js";
import { PageCrashes } from "./page-crashes.js";
import { PageLease, type LeaseEnd } from "./page-lease.js";
import { PagePrinter } from "./page-printer.js";
import { PageProcesses } from "./page-processes.js";
import { immediateFate, settle, type PageFate } from "./page-reuse.js";
import { printDocument } from "./print-step.js";
import { NEVER_RECYCLE, type RecyclePolicy } from "./recycle-policy.js";
import { RenderMemory } from "./render-memory.js";

export interface PoolEvents extends GenerationEvents {
  /** A page left unclean by its document was reset to about:blank, or replaced. */
  onPageNotReused?: (fate: Exclude<PageFate, "reuse">) => void;
  /** The memory watch killed a render's Chromium process. */
  onMemoryStop?: (stopped: ProcessToStop) => void;
}

/** Limits on one render, whatever its document (see print-step.ts and memory-watch.ts). */
export interface RenderLimits {
  maxPages: number;
  memory: MemoryBudget;
}

const NO_LIMITS: RenderLimits = { maxPages: 100_000, memory: { perRenderBytes: 0, totalBytes: 0 } };

/**
 * A fixed set of Chromium pages reused across requests, each rendering one document at a time,
 * under the hostile-input policy (hostile-input-policy.ts): no script, no request but data:,
 * no navigation, and a page reused only once it is seen to be clean. One render's memory is
 * bounded by the memory watch, its length by a page limit. The parts: the page lease (the
 * bounded queue), the browser generations (launch, recycle, crash replacement), the print
 * step, and what becomes of a page after its render, which is decided here.
 */
export class PagePool implements DocumentRenderer {
  readonly #timeoutMs: number;
  readonly #limits: RenderLimits;
  readonly #events: PoolEvents;
  readonly #crashes = new PageCrashes();
  readonly #printers = new WeakMap<Page, PagePrinter>();
  readonly #lease: PageLease<Page>;
  readonly #generations: BrowserGenerations;
  readonly #memory: RenderMemory;

  constructor(options: {
    launch: () => Promise<LaunchedBrowser>;
    size: number;
    queueLimit: number;
    timeoutMs: number;
    recycle?: RecyclePolicy;
    limits?: RenderLimits;
    events?: PoolEvents;
  }) {
    this.#timeoutMs = options.timeoutMs;
    this.#limits = options.limits ?? NO_LIMITS;
    this.#events = options.events ?? {};
    const processes = new PageProcesses();
    this.#memory = new RenderMemory({ budget: this.#limits.memory, processes, crashes: this.#crashes });
    this.#lease = new PageLease<Page>({
      queueLimit: options.queueLimit,
      // A page whose renderer died (the memory watch, a crash) would fail the render; one of a
      // retired browser goes with it.
      usable: (page) => !page.isClosed() && !this.#crashes.has(page) && this.#generations.isCurrent(page),
      discard: (page) => void this.#generations.replacePage(page),
    });
    this.#generations = new BrowserGenerations({
      launch: options.launch,
      size: options.size,
      recycle: options.recycle ?? NEVER_RECYCLE,
      events: this.#events,
      openPage: async (context, browserPid) => {
        const page = await processes.open(context, browserPid);
        this.#crashes.track(page);
        try {
          this.#printers.set(page, await PagePrinter.open(page));
        } catch (error) {
          // Not left open with its renderer process until the browser retires.
          await page.close({ runBeforeUnload: false }).catch(() => undefined);
          throw error;
        }
        return page;
      },
      pages: this.#lease,
    });
  }

  get queueDepth(): number {
    return this.#lease.queueDepth;
  }

  get inFlight(): number {
    return this.#lease.leased;
  }

  /** Memory of the current browser's process tree, bytes; 0 when unknown. */
  browserMemoryBytes(): number {
    const pid = this.#generations.currentPid;
    return pid === undefined ? 0 : processTreeMemory(pid);
  }

  async start(): Promise<void> {
    await this.#generations.start();
    this.#memory.start(
      () => this.#generations.browserPids(),
      (stopped) => this.#events.onMemoryStop?.(stopped),
    );
  }

  async render(html: string, options: PdfOptions): Promise<RenderResult> {
    const queuedAt = performance.now();
    let end: LeaseEnd = "keep";
    return this.#lease.run(
      async (page) => {
        const startedAt = performance.now();
        const generation = this.#generations.beginRender(page);
        this.#memory.renderStarted(page, startedAt);
        // Only a page whose render ended with a PDF (or a refusal of its length) may be reused,
        // and only once seen clean; a timed-out or failed one (a crashed renderer leaves the page
        // open but useless) is replaced.
        let printed = false;
        let timedOut = false;
        try {
          const { pdf, pageCount } = await withDeadline(
            printDocument(this.#printers.get(page)!, html, options, this.#limits.maxPages),
            this.#timeoutMs,
            () => {
              timedOut = true;
            },
          );
          printed = !timedOut;
          return {
            pdf,
            pageCount,
            renderMillis: Math.round(performance.now() - startedAt),
            queueMillis: Math.round(startedAt - queuedAt),
          };
        } catch (error) {
          if (error instanceof TooManyPagesError) printed = !timedOut;
          else if (!timedOut) {
            const reason = await this.#memory.stoppedForMemory(page);
            if (reason) throw new RenderMemoryError(reason);
          }
          throw error;
        } finally {
          this.#memory.renderEnded(page);
          end = this.#afterRender(page, html, printed, startedAt);
          this.#generations.endRender(generation);
        }
      },
      () => end,
    );
  }

  /** Stops taking work, lets renders in flight finish, closes the browser. */
  async close(): Promise<void> {
    this.#memory.close();
    await this.#generations.close(this.#lease.close());
  }

  /** What becomes of a page after its render: back to the lease, or kept out while it is replaced or judged. */
  #afterRender(page: Page, html: string, printed: boolean, startedAt: number): LeaseEnd {
    if (!printed) {
      void this.#generations.replacePage(page);
    } else if (performance.now() - startedAt >= LONG_RENDER_MS && this.#memory.keepsTooMuch(page)) {
      this.#events.onPageNotReused?.("replace");
      void this.#generations.replacePage(page);
    } else if (immediateFate(page, this.#crashes.has(page), html) === "reuse") {
      return "return";
    } else {
      void this.#settle(page, html);
    }
    return "keep";
  }

  async #settle(page: Page, html: string): Promise<void> {
    const fate = await settle(page, this.#printers.get(page)!, () => this.#crashes.has(page), html);
    if (fate === "reuse") return this.#lease.offer(page);
    this.#events.onPageNotReused?.(fate);
    if (fate === "reset") this.#lease.offer(page);
    else await this.#generations.replacePage(page);
  }
}

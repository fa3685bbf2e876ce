import type { BrowserContext, Page } from "playwright-core";
import { processTreeMemory } from "../memory/process-memory.js";
import { openHostileContext } from "../rendering/hostile-input-policy.js";
import type { LaunchedBrowser } from "./browser-launcher.js";
import type { Generation, GenerationEvents, PageShelf } from "./generation.js";
import { recycleReason, type RecyclePolicy } from "./recycle-policy.js";

export interface BrowserGenerationsOptions {
  launch: () => Promise<LaunchedBrowser>;
  size: number;
  recycle: RecyclePolicy;
  events: GenerationEvents;
  openPage: (context: BrowserContext, browserPid: number | undefined) => Promise<Page>;
  pages: PageShelf;
}

/**
 * The browsers behind the pool, one generation at a time. A healthy browser is recycled after
 * a number of renders or past a memory bound: a fresh one is launched beside it and takes new
 * work, and the old one closes when its last render is done, so no request fails for it. A
 * browser that dies is replaced, with onBrowserDown and onBrowserUp around it.
 */
export class BrowserGenerations {
  readonly #options: BrowserGenerationsOptions;
  readonly #generationOf = new WeakMap<Page, Generation>();
  readonly #retired = new Set<Generation>();
  #current: Generation | undefined;
  #restarting: Promise<void> | undefined;
  #recycling: Promise<void> | undefined;
  #closed = false;

  constructor(options: BrowserGenerationsOptions) {
    this.#options = options;
  }

  /** The main process of the browser taking work; undefined when unknown. */
  get currentPid(): number | undefined {
    return this.#current?.launched.pid;
  }

  /** The main process of every live browser: the current one and any still finishing renders. */
  browserPids(): number[] {
    return [this.#current, ...this.#retired].flatMap((generation) =>
      generation?.launched.pid === undefined ? [] : [generation.launched.pid],
    );
  }

  /** Whether `page` belongs to the browser taking work: a retired browser's pages go with it. */
  isCurrent(page: Page): boolean {
    return this.#generationOf.get(page) === this.#current;
  }

  async start(): Promise<void> {
    this.#install(await this.#newGeneration());
  }

  /** A render begins on `page`; what it returns goes to endRender. */
  beginRender(page: Page): Generation {
    const generation = this.#generationOf.get(page)!;
    generation.busy++;
    generation.renders++;
    return generation;
  }

  /** The render ended and its page is dealt with: a retired browser left idle closes; one that did enough is recycled. */
  endRender(generation: Generation): void {
    generation.busy--;
    if (generation.retiring && generation.busy === 0) void this.#closeGeneration(generation);
    this.#recycleIfDue(generation);
  }

  /** Closes `page` and puts a fresh one of its browser on the shelf, unless that browser is gone or going. */
  async replacePage(page: Page): Promise<void> {
    const generation = this.#generationOf.get(page);
    await page.close().catch(() => undefined);
    // A restart makes a full set of pages of its own.
    if (this.#closed || this.#restarting || !generation || generation !== this.#current) return;
    try {
      const fresh = await this.#options.openPage(generation.context, generation.launched.pid);
      this.#generationOf.set(fresh, generation);
      this.#options.pages.offer(fresh);
    } catch (error) {
      // The context is gone with its browser; the restart hands out fresh pages.
      this.#options.events.onError?.(error);
    }
  }

  /** No browser is launched or replaced from now on; once `rendersDone`, every browser closes. */
  async close(rendersDone: Promise<void>): Promise<void> {
    this.#closed = true;
    await rendersDone;
    await this.#restarting;
    await this.#recycling;
    await Promise.all([...this.#retired].map((generation) => this.#closeGeneration(generation)));
    await this.#current?.launched.browser.close().catch(() => undefined);
  }

  async #newGeneration(): Promise<{ generation: Generation; pages: Page[] }> {
    const launched = await this.#options.launch();
    const { browser } = launched;
    try {
      const context = await openHostileContext(browser);
      const pages = await Promise.all(Array.from({ length: this.#options.size }, () => this.#options.openPage(context, launched.pid)));
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
    const stale = this.#options.pages.takeIdle();
    for (const page of pages) this.#options.pages.offer(page);
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
    if (this.#closed || this.#recycling || this.#restarting || generation !== this.#current) return;
    const pid = generation.launched.pid;
    const reason = recycleReason(this.#options.recycle, generation.renders, () => (pid === undefined ? 0 : processTreeMemory(pid)));
    if (!reason) return;
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
        this.#options.events.onRecycled?.(reason);
      } catch (error) {
        // The old browser keeps serving; the next render tries again.
        this.#options.events.onError?.(error);
      }
    })().finally(() => {
      this.#recycling = undefined;
    });
  }

  #replaceBrowser(): void {
    if (this.#restarting) return;
    this.#options.events.onBrowserDown?.();
    // The dead browser's idle pages are simply dropped: they have nothing left to close.
    this.#options.pages.takeIdle();
    this.#restarting = (async () => {
      for (let attempt = 1; !this.#closed; attempt++) {
        try {
          const next = await this.#newGeneration();
          this.#current = undefined;
          this.#install(next);
          this.#options.events.onBrowserUp?.();
          return;
        } catch (error) {
          this.#options.events.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * attempt)));
        }
      }
    })().finally(() => {
      this.#restarting = undefined;
    });
  }
}

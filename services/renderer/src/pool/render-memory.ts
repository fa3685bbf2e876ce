import type { Page } from "playwright-core";
import { keepsTooMuch, MemoryWatch, type MemoryBudget, type ProcessToStop } from "../memory/memory-watch.js";
import type { PageCrashes } from "./page-crashes.js";
import type { PageProcesses } from "./page-processes.js";

/** How long a failed render waits for its page to report a crash (only failed renders wait). */
const CRASH_NOTICE_MS = 1_000;

/**
 * The memory watch over the pool's renders: which render runs in which page since when, so
 * the watch can close the page of one that grows past its bound, and the render can learn
 * that this is why it failed.
 */
export class RenderMemory {
  readonly #budget: MemoryBudget;
  readonly #processes: PageProcesses;
  readonly #crashes: PageCrashes;
  /** Start time of each render in flight. */
  readonly #running = new Map<Page, number>();
  #watch: MemoryWatch | undefined;

  constructor(options: { budget: MemoryBudget; processes: PageProcesses; crashes: PageCrashes }) {
    this.#budget = options.budget;
    this.#processes = options.processes;
    this.#crashes = options.crashes;
  }

  /** Starts watching the processes of `browserPids()` (every live browser). */
  start(browserPids: () => number[], onStopped: (stopped: ProcessToStop) => void): void {
    this.#watch = new MemoryWatch({
      budget: this.#budget,
      browserPids,
      longestRenderMs: () => {
        let oldest = Infinity;
        for (const startedAt of this.#running.values()) oldest = Math.min(oldest, startedAt);
        return oldest === Infinity ? 0 : performance.now() - oldest;
      },
      onStopped,
      closeProcess: (pid) => {
        const page = this.#processes.pageOf(pid);
        if (!page) return false;
        void page.close({ runBeforeUnload: false }).catch(() => undefined);
        return true;
      },
    });
  }

  renderStarted(page: Page, at: number): void {
    this.#running.set(page, at);
  }

  renderEnded(page: Page): void {
    this.#running.delete(page);
  }

  /**
   * Why the memory watch killed this page's renderer process, if it did: by the process it
   * stopped (the stop comes before the failure it causes), or, for a page whose process is
   * not known, by the crash the page reports.
   */
  async stoppedForMemory(page: Page): Promise<string | undefined> {
    const pid = this.#processes.pidOf(page);
    if (pid !== undefined) return this.#watch?.claimStop(pid);
    return (await this.#crashes.within(page, CRASH_NOTICE_MS)) ? this.#watch?.claimStop() : undefined;
  }

  /** A quarter of one render's bound, so what pages keep cannot crowd out the next render. */
  keepsTooMuch(page: Page): boolean {
    const pid = this.#processes.pidOf(page);
    return pid !== undefined && keepsTooMuch(pid, this.#budget.perRenderBytes / 4);
  }

  close(): void {
    this.#watch?.close();
  }
}

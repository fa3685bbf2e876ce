import type { BrowserContext, Page } from "playwright-core";
import { isChromiumRenderer, processTreePids } from "../memory/process-memory.js";

/**
 * Which Chromium renderer process each page runs in. Playwright does not say, but every new
 * page (its own tab, no opener) gets a process of its own, started by newPage() and ended
 * by close(), so opening pages one at a time per browser and looking at the browser's process
 * tree before and after names it. Unknown (undefined) if Chromium ever shares a process.
 */
export class PageProcesses {
  readonly #pid = new WeakMap<Page, number>();
  readonly #page = new Map<number, Page>();
  /** Per browser: the page being opened, so two openings never see each other's process. */
  readonly #opening = new Map<number | undefined, Promise<unknown>>();

  open(context: BrowserContext, browserPid: number | undefined): Promise<Page> {
    const opened = (this.#opening.get(browserPid) ?? Promise.resolve()).then(async () => {
      const before = browserPid === undefined ? undefined : new Set(renderersOf(browserPid));
      const page = await context.newPage();
      if (before && browserPid !== undefined) {
        const started = renderersOf(browserPid).filter((pid) => !before.has(pid));
        if (started.length === 1) {
          const pid = started[0]!;
          this.#pid.set(page, pid);
          this.#page.set(pid, page);
          page.once("close", () => this.#page.delete(pid));
        }
      }
      return page;
    });
    const settled = opened.catch(() => undefined);
    this.#opening.set(browserPid, settled);
    void settled.then(() => {
      if (this.#opening.get(browserPid) === settled) this.#opening.delete(browserPid);
    });
    return opened;
  }

  pidOf(page: Page): number | undefined {
    return this.#pid.get(page);
  }

  /** The open page running in process `pid`. */
  pageOf(pid: number): Page | undefined {
    return this.#page.get(pid);
  }
}

function renderersOf(browserPid: number): number[] {
  return processTreePids(browserPid).filter(isChromiumRenderer);
}

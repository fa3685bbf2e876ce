import type { Page } from "playwright-core";

/**
 * Which pages' renderer processes have died (killed by the memory watch, or crashed). A dead
 * renderer leaves its page open but useless, so the pool never hands such a page out again.
 */
export class PageCrashes {
  readonly #crashed = new WeakSet<Page>();
  readonly #crash = new WeakMap<Page, Promise<true>>();

  /** Starts listening; call once per page, as it is opened. */
  track(page: Page): void {
    this.#crash.set(
      page,
      new Promise((resolve) =>
        page.once("crash", () => {
          this.#crashed.add(page);
          resolve(true);
        }),
      ),
    );
  }

  has(page: Page): boolean {
    return this.#crashed.has(page);
  }

  /**
   * Whether the page crashed or does within `ms`: a killed renderer can fail the print
   * ("Printing failed") before its page reports the crash.
   */
  async within(page: Page, ms: number): Promise<boolean> {
    if (this.#crashed.has(page)) return true;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const crashed = await Promise.race([this.#crash.get(page) ?? false, waited]);
    clearTimeout(timer);
    return crashed;
  }
}

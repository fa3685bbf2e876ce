import type { Page } from "playwright-core";
import type { PagePrinter } from "./page-printer.js";
import {
  BLANK_PAGE,
  mayDeclareRefresh,
  pageIsReset,
  pageIsReusable,
  refreshElementSelector,
  type PageAfterRender,
} from "../rendering/hostile-input-policy.js";

/** What becomes of a page after a render that printed (or was refused for its length). */
export type PageFate = "reuse" | "reset" | "replace";

/**
 * A page is not trusted for the next render until it is seen to be clean (pageIsReusable).
 * An ordinary document is judged without a call to the browser, so the common path costs
 * nothing: `immediate` is its answer, or undefined when the browser has to be asked (the
 * document mentions http-equiv) and `settle` gives the answer, after a reset if needed.
 */
export function immediateFate(page: Page, crashed: boolean, html: string): PageFate | undefined {
  const state = observe(page, crashed);
  if (!pageIsReusable(state)) return undefined;
  return mayDeclareRefresh(html) ? undefined : "reuse";
}

/** Longest a page may take to be judged and reset; past it, it is replaced. */
const SETTLE_WITHIN_MS = 5_000;

export async function settle(page: Page, printer: PagePrinter, crashed: () => boolean, html: string): Promise<PageFate> {
  let timer: NodeJS.Timeout | undefined;
  // A renderer still busy with the document would leave the question unanswered, and the
  // page out of the pool for good.
  const late = new Promise<PageFate>((resolve) => (timer = setTimeout(() => resolve("replace"), SETTLE_WITHIN_MS)));
  const fate = await Promise.race([judge(page, printer, crashed, html), late]);
  clearTimeout(timer);
  return fate;
}

async function judge(page: Page, printer: PagePrinter, crashed: () => boolean, html: string): Promise<PageFate> {
  try {
    const state = observe(page, crashed());
    if (state.closed || state.crashed) return "replace";
    if (pageIsReusable(state) && mayDeclareRefresh(html)) {
      state.declaresRefresh = (await page.locator(refreshElementSelector).count()) > 0;
    }
    if (pageIsReusable(state)) return "reuse";
    // A new document in the same page drops the old one with its scheduled refresh and its
    // frames; a browser-initiated navigation also overrides one the document had started.
    // Its load awaited as the printer sees it, so the page is back to a document at rest.
    const resetLoaded = printer.nextLoad();
    resetLoaded.catch(() => undefined);
    await page.goto(BLANK_PAGE, { timeout: SETTLE_WITHIN_MS });
    await resetLoaded;
    return pageIsReset(observe(page, crashed())) ? "reset" : "replace";
  } catch {
    return "replace";
  }
}

function observe(page: Page, crashed: boolean): PageAfterRender {
  const closed = page.isClosed();
  return {
    closed,
    crashed,
    url: closed ? "" : page.url(),
    frames: closed ? 0 : page.frames().length,
    declaresRefresh: false,
  };
}

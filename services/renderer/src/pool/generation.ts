import type { BrowserContext, Page } from "playwright-core";
import type { LaunchedBrowser } from "./browser-launcher.js";
import type { PageLease } from "./page-lease.js";

/** One browser with its context and pages; a generation is retired without failing its renders. */
export interface Generation {
  launched: LaunchedBrowser;
  context: BrowserContext;
  renders: number;
  busy: number;
  retiring: boolean;
}

export interface GenerationEvents {
  /** The browser died and is being replaced: the server is NOT_SERVING meanwhile. */
  onBrowserDown?: () => void;
  onBrowserUp?: () => void;
  /** A fresh browser took over from a healthy one that had done enough (see RecyclePolicy). */
  onRecycled?: (reason: string) => void;
  onError?: (error: unknown) => void;
}

/** Where a generation's pages are handed out. */
export type PageShelf = Pick<PageLease<Page>, "offer" | "takeIdle">;

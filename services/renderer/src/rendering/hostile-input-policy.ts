import type { Browser, BrowserContext, BrowserContextOptions } from "playwright-core";

// Every document the renderer is given is treated as hostile: anyone who can reach
// RenderService chooses it. What a document may do, in one place:
//
// - No script: the context runs with JavaScript off (the document is written over DevTools,
//   page-printer.ts, and Playwright's own utility world, which reads the page, still works).
// - No network, no file system: every request Chromium sends is aborted. data: URLs never
//   become requests (Chromium decodes them itself), so they are the only resources that load.
// - No navigation: the document is written into the page (Page.setDocumentContent: document.write, never a URL), and
//   a navigation request is aborted as `aborted`, the one error for which Chromium commits no
//   error page, so the page keeps its document. (Aborted with any other error, a meta refresh
//   left the page on chrome-error://, where the next render failed and a data: iframe written
//   there crashed the whole browser.)
// - No frames, plugins, forms or base URL: a Content-Security-Policy is written at the top of
//   a document that has any, so Chromium blocks them before they load.
// - A page is reused only when nothing of the document can outlive its render (see
//   pageIsReusable); otherwise it is reset to a fresh about:blank or replaced.

/** The options of that context (openHostileContext). */
export const hostileContextOptions: BrowserContextOptions = { javaScriptEnabled: false, offline: true };

/**
 * Delivered with the document as a <meta> element, the only way for a document written with
 * document.write. `sandbox` cannot be delivered that way (it needs a response header, that is
 * a navigation per render, which measured four times the Chromium CPU of a written document);
 * JavaScript is off anyway and navigations are dealt with by the request rule and the reuse check.
 */
export const documentContentSecurityPolicy = [
  "default-src 'none'",
  "img-src data:",
  "font-src data:",
  "style-src 'unsafe-inline' data:",
  "frame-src 'none'",
  "child-src 'none'",
  "object-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join("; ");

const policyElement = `<meta http-equiv="Content-Security-Policy" content="${documentContentSecurityPolicy}">`;

// A doctype (after any comments) must stay first or the template falls into quirks mode.
const LEADING_DOCTYPE = /^\uFEFF?\s*(?:<!--[\s\S]*?-->\s*)*<!doctype[^>]*>/i;

// What the policy blocks that the request rule does not: nested documents, forms, a base URL,
// data: media. Each needs its element's name written in the source (a tag name has no
// character references, and there is no script to create one), so a document without any of
// these names has nothing for the policy to act on.
const POLICED_ELEMENT =
  /<(?:iframe|frame|frameset|object|embed|applet|portal|fencedframe|form|base|video|audio|source|track)(?![a-z0-9-])/i;

/**
 * The document with the policy as its first element, when it holds an element the policy
 * acts on. Parsing a policy measured 1.5 to 2.4 ms of Chromium CPU per ordinary invoice (some
 * 20%), for nothing there. A policy a document declares itself can only narrow ours:
 * Chromium enforces every policy it is given.
 */
export function withContentSecurityPolicy(html: string): string {
  if (!POLICED_ELEMENT.test(html)) return html;
  const doctype = LEADING_DOCTYPE.exec(html)?.[0];
  return doctype === undefined ? policyElement + html : doctype + policyElement + html.slice(doctype.length);
}

/** What the request rule reads of, and answers to, a request Chromium was about to send (a Playwright Route). */
export interface InterceptedRequest {
  request(): { isNavigationRequest(): boolean };
  abort(errorCode?: string): Promise<void>;
}

/**
 * The error a refused request fails with: none is ever let through. A navigation gets
 * `aborted`, the one error for which Chromium commits no error page (see above).
 */
export function refusalFor(request: { isNavigationRequest(): boolean }): "aborted" | "blockedbyclient" {
  return request.isNavigationRequest() ? "aborted" : "blockedbyclient";
}

/**
 * The request rule, and what keeps the renderer from being a server-side request forger:
 * a document naming http://169.254.169.254/, a cluster Service or file:///etc/passwd reaches
 * none of them, because nothing leaves the browser.
 */
export function refuseRequest(route: InterceptedRequest): Promise<void> {
  return route.abort(refusalFor(route.request()));
}

/**
 * The browser context every page lives in: no script, offline, and every request routed to
 * refuseRequest before the first page opens, so no document ever runs outside the policy.
 */
export async function openHostileContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext(hostileContextOptions);
  await context.route("**/*", refuseRequest);
  return context;
}

/**
 * A <meta http-equiv="refresh"> schedules a navigation that outlives document.open, so it
 * would fire during a later render on the same page. The attribute name has to appear in the
 * source as written (names have no character references, and there is no script to make one),
 * so a document without the text `http-equiv` cannot hold one in its own markup; nested
 * documents are caught as frames.
 */
export function mayDeclareRefresh(html: string): boolean {
  return /http-equiv/i.test(html);
}

/** Refresh elements of the written document, to confirm what mayDeclareRefresh suspects. */
export const refreshElementSelector = 'meta[http-equiv*="refresh" i]';

/** What the pool knows about a page once a render on it has ended. */
export interface PageAfterRender {
  closed: boolean;
  crashed: boolean;
  /** The main frame's URL: a written document stays at about:blank. */
  url: string;
  /** Frames including the main one. */
  frames: number;
  /** The document declares a refresh (its markup holds a refresh element). */
  declaresRefresh: boolean;
}

export const BLANK_PAGE = "about:blank";

/**
 * Whether the next document may be written into this page as it is. Anything else a document
 * can leave behind is a navigation that happened or is scheduled (the main frame's URL, a
 * refresh element), a nested document that could do the same (frames), or a dead renderer.
 */
export function pageIsReusable(page: PageAfterRender): boolean {
  return !page.closed && !page.crashed && page.url === BLANK_PAGE && page.frames === 1 && !page.declaresRefresh;
}

/** Whether a reset (a navigation to about:blank, which discards the document and its timers) left the page clean. */
export function pageIsReset(page: Omit<PageAfterRender, "declaresRefresh">): boolean {
  return pageIsReusable({ ...page, declaresRefresh: false });
}

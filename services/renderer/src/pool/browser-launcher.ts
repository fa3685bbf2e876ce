import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { childPids } from "../memory/process-memory.js";

export interface LaunchedBrowser {
  browser: Browser;
  /** The browser's main process, to measure its memory; undefined when unknown. */
  pid: number | undefined;
}

// Debian's packages, never a downloaded browser build. The headless shell prints the same
// PDFs as full Chromium at a fraction of the start-up and per-page cost. Its binary is
// started directly rather than through /usr/bin's `sh` wrapper, which stays alive as the
// browser's parent: a crash would then kill the browser but not the process we watch.
const candidates = ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

export function findChromium(explicit: string | undefined): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH ${explicit} does not exist`);
    return explicit;
  }
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`no Chromium found at ${candidates.join(" or ")}: apt-get install chromium-headless-shell, or set CHROMIUM_PATH`);
  }
  return found;
}

let launching: Promise<unknown> = Promise.resolve();

/**
 * Launches one browser at a time per process: Playwright does not say which process it
 * started, so the new child of this process running `executablePath` is taken to be it.
 */
export function launchChromium(executablePath: string): Promise<LaunchedBrowser> {
  const launched = launching.then(async () => {
    const before = childPids(process.pid, executablePath);
    const browser = await startChromium(executablePath);
    const started = [...childPids(process.pid, executablePath)].filter((pid) => !before.has(pid));
    return { browser, pid: started.length === 1 ? started[0] : undefined };
  });
  launching = launched.catch(() => undefined);
  return launched;
}

function startChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // The renderer drains on SIGTERM (wiring.ts) and closes the browser last;
    // Playwright's own handlers would close it at once and fail the renders in flight.
    handleSIGTERM: false,
    handleSIGINT: false,
    handleSIGHUP: false,
    args: [
      "--disable-gpu",
      "--disable-dev-shm-usage",
      // This network is closed: background fetches would only fail and cost time.
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
}

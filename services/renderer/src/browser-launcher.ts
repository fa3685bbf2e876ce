import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

// Debian's packages, never a downloaded browser build. The headless shell prints the same
// PDFs as full Chromium at a fraction of the start-up and per-page cost.
const candidates = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

export function findChromium(explicit: string | undefined): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH ${explicit} does not exist`);
    return explicit;
  }
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `no Chromium found at ${candidates.join(" or ")}: apt-get install chromium-headless-shell, or set CHROMIUM_PATH`,
    );
  }
  return found;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
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

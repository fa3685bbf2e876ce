import { isChromiumRenderer, processTreePids, proportionalBytes, residentBytes } from "./process-memory.js";

// One document can make Chromium's layout grow without bound: a 30,000-row table (1.9 MiB
// of HTML) took its renderer process to 4.9 GB in ten seconds, far past the pod's 2 GiB, and
// neither a size nor a page limit catches every such document. So while a render runs long,
// the memory of each page's renderer process is read every 50 ms, and one over its bound is killed:
// its page crashes, its render fails with RESOURCE_EXHAUSTED, and the other pages (each in
// its own renderer process) and the browser are untouched.

export interface MemoryBudget {
  /** One renderer process (one render); 0 no bound. */
  perRenderBytes: number;
  /** The whole service: Node and every browser process; 0 no bound. */
  totalBytes: number;
}

export interface RendererProcessMemory {
  pid: number;
  bytes: number;
}

export interface ProcessToStop {
  pid: number;
  reason: string;
}

const MiB = 2 ** 20;
// Rounded up, so a process just over its bound never reads as "512 MiB, more than 512 MiB".
const mib = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`;

/**
 * Which renderer processes to stop: every one above the per-render bound, then, while the
 * whole (`otherBytes` is Node and the browser's other processes) is above the total bound,
 * the largest of the rest, which is the render that grew.
 */
export function processesToStop(renderers: readonly RendererProcessMemory[], otherBytes: number, budget: MemoryBudget): ProcessToStop[] {
  const stop: ProcessToStop[] = [];
  const kept: RendererProcessMemory[] = [];
  for (const renderer of renderers) {
    if (budget.perRenderBytes > 0 && renderer.bytes > budget.perRenderBytes) {
      stop.push({
        pid: renderer.pid,
        reason: `its Chromium process held ${mib(renderer.bytes)}, more than RENDER_PAGE_MEMORY_MB (${mib(budget.perRenderBytes)})`,
      });
    } else {
      kept.push(renderer);
    }
  }
  if (budget.totalBytes > 0) {
    kept.sort((a, b) => b.bytes - a.bytes);
    let total = otherBytes + kept.reduce((sum, renderer) => sum + renderer.bytes, 0);
    while (total > budget.totalBytes && kept.length > 0) {
      const largest = kept.shift()!;
      stop.push({
        pid: largest.pid,
        reason: `the renderer held ${mib(total)} in all, more than RENDER_MEMORY_LIMIT_MB (${mib(budget.totalBytes)}), and this render's Chromium process was the largest (${mib(largest.bytes)})`,
      });
      total -= largest.bytes;
    }
  }
  return stop;
}

/**
 * Whether a page's renderer process still holds more than `boundBytes` after its render.
 * Chromium keeps what a large document took (a 6,000-row table left its process at 300 MiB
 * PSS through later renders), and that would count against the next render's bound and the
 * total; such a page is replaced, which returns the memory. Asked after long renders only.
 */
export function keepsTooMuch(pid: number, boundBytes: number): boolean {
  return boundBytes > 0 && residentBytes(pid) > boundBytes && proportionalBytes(pid) > boundBytes;
}

/**
 * Memory is looked at only for renders that run longer than this: growing by hundreds of MiB
 * takes Chromium far longer, and an ordinary invoice renders in 10 to 30 ms, so its render
 * costs no read of /proc at all (reading a renderer's PSS after every render cost 3 ms of Node
 * and 2 ms of Chromium CPU per PDF).
 */
export const LONG_RENDER_MS = 100;

/** How often memory is read while a render has run longer than `watchAfterMs`. */
const SAMPLE_EVERY_MS = 50;
/** Which processes belong to the browsers is looked up again this often (a full /proc scan). */
const TREE_EVERY_MS = 500;
/** A stop its render has not claimed within this long (the render had already ended) is forgotten. */
const CLAIM_WITHIN_MS = 10_000;

export interface MemoryWatchOptions {
  budget: MemoryBudget;
  /** The main process of every live browser (the current one and any still retiring). */
  browserPids: () => number[];
  /** How long the oldest render in flight has run, ms; 0 when none runs. */
  longestRenderMs: () => number;
  /** Ordinary renders end well within this, so they cost the watch nothing. */
  watchAfterMs?: number;
  onStopped?: (stopped: ProcessToStop) => void;
  /** Closes the page that runs in process `pid`; false when no page is known to. */
  closeProcess?: (pid: number) => boolean;
}

/** How long a closed page's process may take to end before it is killed. */
const KILL_AFTER_CLOSE_MS = 250;

function killNow(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // it has ended
  }
}

/**
 * Samples while a render has run long, kills renderer processes over budget, and keeps why,
 * for the render that ran in the killed process to claim.
 */
export class MemoryWatch {
  readonly #options: MemoryWatchOptions;
  readonly #timer: NodeJS.Timeout;
  #tree: { at: number; renderers: number[]; others: number[] } = { at: 0, renderers: [], others: [] };
  #stopped: Array<{ at: number; pid: number; reason: string }> = [];
  /** Processes whose page is being closed, killed if still there after KILL_AFTER_CLOSE_MS. */
  readonly #stopping = new Set<number>();

  constructor(options: MemoryWatchOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.#timer.unref();
  }

  /** One look at memory; the timer calls it, tests may too. */
  sample(): ProcessToStop[] {
    const { budget } = this.#options;
    if (budget.perRenderBytes === 0 && budget.totalBytes === 0) return [];
    if (this.#options.longestRenderMs() < (this.#options.watchAfterMs ?? LONG_RENDER_MS)) return [];
    const tree = this.#processes();
    // RSS, one small read a process, never below PSS (what the pod's memory really holds, a
    // shared page counted once): the bounds trip a little early, never late. PSS, read from
    // smaps_rollup, took 50 to 250 ms a sample with four large renderers on two busy cores,
    // while they grew by a GB a second: four tables at once took the renderer to 2.15 GB.
    const renderers = tree.renderers.map((pid) => ({ pid, bytes: residentBytes(pid) }));
    const otherBytes = process.memoryUsage.rss() + tree.others.reduce((sum, pid) => sum + residentBytes(pid), 0);
    const stop = processesToStop(renderers, otherBytes, budget);
    for (const process_ of stop) this.#kill(process_);
    return stop;
  }

  /**
   * Why the watch stopped process `pid`, for the render that ran in it; undefined when it did
   * not (the render failed for another cause). Without a pid (a page whose process is not
   * known), the oldest stop not yet claimed, for a render whose page crashed.
   */
  claimStop(pid?: number): string | undefined {
    const now = performance.now();
    this.#stopped = this.#stopped.filter((stop) => now - stop.at < CLAIM_WITHIN_MS);
    const index = pid === undefined ? 0 : this.#stopped.findIndex((stop) => stop.pid === pid);
    return index < 0 ? undefined : this.#stopped.splice(index, 1)[0]?.reason;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #kill(stop: ProcessToStop): void {
    if (this.#stopping.has(stop.pid)) return;
    this.#stopped.push({ at: performance.now(), pid: stop.pid, reason: stop.reason });
    this.#tree.at = 0;
    this.#options.onStopped?.(stop);
    // The browser's own way first: closing the page ends its process with nothing left
    // attached to it. Once, four renderers SIGKILLed at once took the browser down with them
    // (some were printing). The kill stays, in case the close does not end the process.
    if (this.#options.closeProcess?.(stop.pid)) {
      this.#stopping.add(stop.pid);
      setTimeout(() => {
        this.#stopping.delete(stop.pid);
        killNow(stop.pid);
      }, KILL_AFTER_CLOSE_MS).unref();
    } else {
      killNow(stop.pid);
    }
  }

  #processes(): { renderers: number[]; others: number[] } {
    const now = performance.now();
    if (now - this.#tree.at < TREE_EVERY_MS) return this.#tree;
    const renderers: number[] = [];
    const others: number[] = [];
    for (const browserPid of this.#options.browserPids()) {
      for (const pid of processTreePids(browserPid)) (isChromiumRenderer(pid) ? renderers : others).push(pid);
    }
    this.#tree = { at: now, renderers, others };
    return this.#tree;
  }
}

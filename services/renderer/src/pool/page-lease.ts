import { PoolClosedError, QueueFullError } from "../rendering/render-errors.js";

/**
 * How a lease ends: the page goes back to be leased again, or the pool keeps it out (it is
 * being replaced, or judged before reuse) and offers it, or a fresh one, itself later.
 */
export type LeaseEnd = "return" | "keep";

export interface PageLeaseOptions<T> {
  /** Requests that may wait for a page; past it, QueueFullError. */
  queueLimit: number;
  /** Whether a page may be handed out: asked as it is offered and as it is taken idle. */
  usable: (page: T) => boolean;
  /** A page found unusable: the pool closes or replaces it. */
  discard: (page: T) => void;
}

/**
 * The pool's pages, each leased to one render at a time, and the bounded line of renders
 * waiting for one (first come, first served). It knows nothing of browsers, so its rules
 * (the bound, the order, every lease ending, the drain) are tested without Chromium.
 */
export class PageLease<T> {
  readonly #options: PageLeaseOptions<T>;
  #idle: T[] = [];
  readonly #waiting: Array<{ resolve: (page: T) => void; reject: (error: Error) => void }> = [];
  #leased = 0;
  #closed = false;
  /** Closes waiting for the last lease to end. */
  readonly #drained: Array<() => void> = [];

  constructor(options: PageLeaseOptions<T>) {
    this.#options = options;
  }

  /** Renders waiting for a page. */
  get queueDepth(): number {
    return this.#waiting.length;
  }

  /** Pages leased out now: renders running. */
  get leased(): number {
    return this.#leased;
  }

  /**
   * Runs `work` on a page, waiting in line for one when none is idle, and ends the lease
   * however the work ends: `end` (asked once the work is over) keeps the page out, otherwise
   * it goes to the next in line.
   */
  async run<R>(work: (page: T) => Promise<R>, end: (page: T) => LeaseEnd = () => "return"): Promise<R> {
    const page = await this.#acquire();
    try {
      return await work(page);
    } finally {
      this.#leased--;
      if (end(page) === "return") this.offer(page);
      if (this.#leased === 0) for (const drained of this.#drained.splice(0)) drained();
    }
  }

  /** A page for the next in line, or idle until one comes; an unusable one is discarded. */
  offer(page: T): void {
    if (!this.#options.usable(page)) {
      this.#options.discard(page);
      return;
    }
    const next = this.#waiting.shift();
    if (!next) return void this.#idle.push(page);
    this.#leased++;
    next.resolve(page);
  }

  /** Takes every idle page out (their browser is being replaced). */
  takeIdle(): T[] {
    const idle = this.#idle;
    this.#idle = [];
    return idle;
  }

  /** Refuses those waiting and every later request (PoolClosedError); resolves once every lease has ended. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new PoolClosedError());
    if (this.#leased > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  #acquire(): Promise<T> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    for (let page = this.#idle.pop(); page !== undefined; page = this.#idle.pop()) {
      // An idle page can go bad while it waits (its renderer died, its browser was retired).
      if (!this.#options.usable(page)) {
        this.#options.discard(page);
        continue;
      }
      // Counted as it is handed over, so a close in the same tick waits for this render.
      this.#leased++;
      return Promise.resolve(page);
    }
    if (this.#waiting.length >= this.#options.queueLimit) {
      return Promise.reject(new QueueFullError(this.#waiting.length));
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
}

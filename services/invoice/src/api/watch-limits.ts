import { Code, ConnectError } from "@connectrpc/connect";

export interface WatchLimits {
  /** Open WatchInvoice streams in this process; the next is RESOURCE_EXHAUSTED. */
  maxWatches: number;
  /** A watch still open this long ends DEADLINE_EXCEEDED; the caller watches again. */
  maxWatchMs: number;
}

/**
 * The open watches of one process. A watch holds a stream, a listener and a store read every
 * half second for as long as its caller likes, so they are counted and capped rather than
 * left to the HTTP/2 timeouts, which a legitimately quiet watch must survive.
 */
export class WatchSlots {
  #open = 0;

  constructor(private readonly limits: WatchLimits) {}

  get open(): number {
    return this.#open;
  }

  /** Takes a slot, or throws RESOURCE_EXHAUSTED; call the returned function once, when the watch ends. */
  take(): () => void {
    if (this.#open >= this.limits.maxWatches) {
      throw new ConnectError(
        `too many watches: ${this.limits.maxWatches} are open on this replica; retry later or use GetInvoice`,
        Code.ResourceExhausted,
      );
    }
    this.#open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open--;
    };
  }
}

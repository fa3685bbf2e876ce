/** When a healthy browser is swapped for a fresh one, before it grows or leaks. */
export interface RecyclePolicy {
  /** Renders per browser; 0 never. */
  afterRenders: number;
  /** Memory of the browser's process tree; 0 never. Checked every `memoryCheckEvery` renders. */
  maxBrowserBytes: number;
  memoryCheckEvery: number;
}

export const NEVER_RECYCLE: RecyclePolicy = { afterRenders: 0, maxBrowserBytes: 0, memoryCheckEvery: 100 };

/**
 * Why a browser that has done `renders` renders is due to be recycled, or undefined.
 * `browserBytes` is asked only on the renders where the policy checks memory: it scans /proc.
 */
export function recycleReason(policy: RecyclePolicy, renders: number, browserBytes: () => number): string | undefined {
  if (policy.afterRenders > 0 && renders >= policy.afterRenders) return `${renders} renders`;
  if (policy.maxBrowserBytes > 0 && renders % policy.memoryCheckEvery === 0) {
    const bytes = browserBytes();
    if (bytes > policy.maxBrowserBytes) return `browser memory ${Math.round(bytes / 2 ** 20)} MiB`;
  }
  return undefined;
}

import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** What the gauges read of the render pool when scraped. */
export interface PoolLoad {
  readonly queueDepth: number;
  readonly inFlight: number;
  browserMemoryBytes(): number;
}

/**
 * What an operator and an autoscaler watch on a renderer. The queue depth is the scaling
 * signal: renders waiting for a page mean the pool is short of pages, whatever the CPU says.
 */
export class RendererMetrics {
  readonly renderSeconds: Histogram<"outcome">;
  readonly browserRestarts: Counter<"reason">;
  readonly pagesNotReused: Counter<"fate">;
  readonly memoryStops: Counter;

  /** `pool` is undefined where only the metrics' names are wanted (the deploy checks). */
  constructor(registry: Registry, pool: () => PoolLoad | undefined) {
    new Gauge({
      name: "renderer_queue_depth",
      help: "Render requests waiting for a free page.",
      registers: [registry],
      collect() {
        this.set(pool()?.queueDepth ?? 0);
      },
    });
    new Gauge({
      name: "renderer_in_flight",
      help: "Renders running now.",
      registers: [registry],
      collect() {
        this.set(pool()?.inFlight ?? 0);
      },
    });
    new Gauge({
      name: "renderer_browser_memory_bytes",
      help: "Memory of the current browser's processes (sum of proportional set sizes).",
      registers: [registry],
      collect() {
        this.set(pool()?.browserMemoryBytes() ?? 0);
      },
    });
    this.renderSeconds = new Histogram({
      name: "renderer_render_seconds",
      help: "Time from a page being free to the PDF being printed.",
      labelNames: ["outcome"],
      buckets: [0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    });
    this.browserRestarts = new Counter({
      name: "renderer_browser_restarts_total",
      help: "Browsers replaced: crash (it died) or recycle (renders or memory bound reached).",
      labelNames: ["reason"],
      registers: [registry],
    });
    this.pagesNotReused = new Counter({
      name: "renderer_pages_not_reused_total",
      help: "Pages a document left unclean (a navigation, a refresh, frames): reset to about:blank, or replaced.",
      labelNames: ["fate"],
      registers: [registry],
    });
    this.memoryStops = new Counter({
      name: "renderer_memory_stops_total",
      help: "Renders whose Chromium process was killed for its memory (RENDER_PAGE_MEMORY_MB, RENDER_MEMORY_LIMIT_MB).",
      registers: [registry],
    });
  }
}

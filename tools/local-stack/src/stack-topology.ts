import type { ServiceName } from "./service-process.js";

/** What a stack runs, beyond one process of each service with its defaults. */
export interface StackTopology {
  /**
   * Renderer processes, 1 unless set. Scaled out, they are named renderer-1, renderer-2, ...
   * and the invoice service's RENDERER_TARGET lists them all (its client balances round robin).
   */
  renderers?: number;
  /** Invoice workers competing on one durable and sharing one DATA_DIR, 1 unless set; named as renderers are. */
  invoiceWorkers?: number;
  /**
   * The services to start, all four unless set. One left out is not in the stack's `services`;
   * what it would have been given (RENDERER_TARGET, INVOICE_SERVICE_URL) can be set in `env`.
   */
  services?: readonly ServiceName[];
  /** Environment for every process of one service, over the stack's own and `env` for all. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

/** Every service, in the order a stack starts them: each one's callees before it. */
export const START_ORDER: readonly ServiceName[] = ["renderer", "invoice", "order", "notifier"];

/** The process names of `service` in `topology`: the service's own name unless it is scaled out. */
export function processNames(service: ServiceName, topology: StackTopology): string[] {
  if (!(topology.services ?? START_ORDER).includes(service)) return [];
  const count = service === "renderer" ? (topology.renderers ?? 1) : service === "invoice" ? (topology.invoiceWorkers ?? 1) : 1;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`topology: ${service} count must be a whole number of at least 1, got ${count}`);
  return count === 1 ? [service] : Array.from({ length: count }, (_, i) => `${service}-${i + 1}`);
}

import type { OrderStore } from "../payments/order-store.js";

/** What the order routes are given by the wiring. */
export interface OrderRouteDeps {
  store: OrderStore;
  /** A payment or refund queued an event: the relay publishes it now rather than at its next poll. */
  onOutboxWrite: () => void;
}

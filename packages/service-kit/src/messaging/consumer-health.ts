import { ServingStatus, type HealthState } from "../rpc/health.js";

/**
 * The server's health follows its durable consumers: NOT_SERVING while any of them has lost
 * its durable or stream and is creating it again, SERVING once all consume. A worker that
 * cannot consume must not look healthy (the kubelet's probe then sees it).
 */
export function consumerHealth(health: HealthState): (durable: string) => (consuming: boolean) => void {
  const notConsuming = new Set<string>();
  return (durable) => (consuming) => {
    if (consuming) notConsuming.delete(durable);
    else notConsuming.add(durable);
    health.set(notConsuming.size === 0 ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  };
}

/**
 * `host:port`, a comma-separated list of them, or any grpc-js target (`dns:///renderer:50053`
 * resolves every pod address of a headless Service). A plain list becomes an `ipv4:`/`ipv6:`
 * target so round_robin spreads calls over all of them.
 */
export function toGrpcTarget(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !/^[^:]+:\d+$/.test(target) && !target.includes(",")) {
    return target; // already a scheme target such as dns:///renderer:50053
  }
  const addresses = target
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (addresses.length === 1) return `dns:///${addresses[0]}`;
  const scheme = addresses.every((a) => a.startsWith("[")) ? "ipv6" : "ipv4";
  return `${scheme}:${addresses.join(",")}`;
}

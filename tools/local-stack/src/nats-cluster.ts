import { join } from "node:path";
import { freeLoopbackPorts } from "./free-port.js";
import { startNatsServer, type NatsServerOptions, type NatsServerProcess } from "./nats-server-process.js";

/**
 * `count` nats-servers routed into one JetStream cluster on loopback, each in its own folder
 * under `dir`, as the prod overlay runs three. The route ports must be known before any server
 * starts (each names all of them), so they are picked first; client ports are the servers' own.
 * A new cluster elects its JetStream meta leader after start: callers retry their first request.
 */
export async function startNatsCluster(
  dir: string,
  count: number,
  options: Omit<NatsServerOptions, "cluster"> = {},
): Promise<NatsServerProcess[]> {
  const routePorts = await freeLoopbackPorts(count);
  const servers: NatsServerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const cluster = { name: "local-stack", serverName: `n${i}`, routePort: routePorts[i]!, routePorts };
      servers.push(await startNatsServer(join(dir, `n${i}`), -1, undefined, { ...options, cluster }));
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop("SIGKILL")));
    throw error;
  }
}

import { createServer, type Server } from "node:net";

/**
 * Loopback ports free at the moment of asking, all different: the kernel picks each for a
 * listener, and all are held open until the last is picked (one closed at once could be handed
 * out again). Another process could take one before the caller binds it; a service that then
 * fails to bind exits, and its harness reports that with its log.
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

export async function freeLoopbackPort(): Promise<number> {
  const [port] = await freeLoopbackPorts(1);
  return port!;
}

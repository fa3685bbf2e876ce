import { createServer } from "node:net";

/**
 * A loopback port free at the moment of asking: the kernel picks it for a listener that is
 * closed at once. Another process could take it before the caller binds it; on a test machine
 * the kernel hands ports out in turn, so that window is small.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

import type http2 from "node:http2";

/**
 * Sends GOAWAY to a connection that has had no open stream for `idleMs`, including one that
 * never opened any. Idle means no streams, not no bytes: a WatchInvoice waiting quietly for
 * a change keeps its connection, and is bounded by the watch caps instead.
 */
export function closeWhenIdle(session: http2.ServerHttp2Session, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => session.close(), idleMs);
    timer.unref();
  };
  arm();
  session.on("stream", (stream) => {
    open++;
    clearTimeout(timer);
    stream.once("close", () => {
      open--;
      if (open === 0 && !session.closed && !session.destroyed) arm();
    });
  });
  session.once("close", () => clearTimeout(timer));
}

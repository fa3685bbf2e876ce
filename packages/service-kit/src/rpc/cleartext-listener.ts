import type http from "node:http";
import type http2 from "node:http2";
import net from "node:net";

// One plaintext port for both HTTP/2 (h2c: gRPC clients, buf curl, Kubernetes probes) and
// HTTP/1.1 (a browser's fetch on plain http, curl, Connect and gRPC-Web). Node's h2c server
// has no HTTP/1 fallback (only its TLS server negotiates one), so each connection is handed to
// one of the two by its first bytes: HTTP/2 always opens with the client preface, "PRI * ...",
// and no HTTP/1.1 request line starts with "PRI ".

const PREFACE_START = Buffer.from("PRI ");

/** "http2", "http1", or undefined while the bytes so far could still begin either. */
export function protocolOf(firstBytes: Buffer): "http2" | "http1" | undefined {
  const length = Math.min(firstBytes.length, PREFACE_START.length);
  if (!firstBytes.subarray(0, length).equals(PREFACE_START.subarray(0, length))) return "http1";
  return firstBytes.length >= PREFACE_START.length ? "http2" : undefined;
}

/** A listener handing each connection to `h2` or `h1`; a connection that says too little within `firstBytesMs` is closed. */
export function cleartextListener(h2: http2.Http2Server, h1: http.Server, firstBytesMs: number): net.Server {
  return net.createServer({ pauseOnConnect: true }, (socket) => {
    // Until a server owns the socket, a reset from the peer must not become an unhandled
    // 'error' event: that would end the process.
    const onError = () => socket.destroy();
    socket.on("error", onError);
    const silent = setTimeout(() => socket.destroy(), firstBytesMs);
    socket.once("close", () => clearTimeout(silent));
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const protocol = protocolOf(received);
      if (!protocol) return;
      clearTimeout(silent);
      socket.off("data", onData);
      socket.pause();
      socket.unshift(received);
      socket.off("error", onError);
      // The HTTP/2 session takes the bytes already read from the socket's buffer and then reads
      // the handle itself; the HTTP/1 parser reads the stream, so it is resumed.
      if (protocol === "http2") h2.emit("connection", socket);
      else {
        h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
    socket.resume();
  });
}

import type http from "node:http";
import type http2 from "node:http2";
import net from "node:net";

// One plaintext port for both HTTP/2 (h2c: gRPC clients, buf curl, Kubernetes probes) and
// HTTP/1.1 (a browser's fetch on plain http, curl, Connect and gRPC-Web). Node's h2c server
// has no HTTP/1 fallback (only its TLS server negotiates one), so each connection is handed to
// one of the two by its first bytes: HTTP/2 always opens with the client preface.

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export function isHttp2Preface(firstBytes: Buffer): boolean {
  const length = Math.min(firstBytes.length, PREFACE.length);
  return length > 0 && firstBytes.subarray(0, length).equals(PREFACE.subarray(0, length));
}

/** A listener handing each connection to `h2` or `h1`; a connection silent for `firstByteMs` is closed. */
export function cleartextListener(h2: http2.Http2Server, h1: http.Server, firstByteMs: number): net.Server {
  return net.createServer({ pauseOnConnect: true }, (socket) => {
    const silent = setTimeout(() => socket.destroy(), firstByteMs);
    socket.once("close", () => clearTimeout(silent));
    socket.once("data", (first: Buffer) => {
      clearTimeout(silent);
      socket.pause();
      socket.unshift(first);
      // The HTTP/2 session takes the bytes already read (the preface) from the socket's buffer
      // and then reads the handle itself; the HTTP/1 parser reads the stream, so it is resumed.
      if (isHttp2Preface(first)) h2.emit("connection", socket);
      else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
    socket.resume();
  });
}

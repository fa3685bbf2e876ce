import type http2 from "node:http2";

// Test support, not library (its own entry point, "@invoicing/service-kit/testing"): a gRPC
// call made by hand on node:http2, for tests that play a hostile caller: a generated
// client never sends a lying length prefix, a gzip bomb or a body that never ends.

/** The 5-byte gRPC length prefix: compressed flag, then the message length, big-endian. */
export function grpcFrameHeader(length: number, compressed: boolean): Buffer {
  const header = Buffer.alloc(5);
  header[0] = compressed ? 1 : 0;
  header.writeUInt32BE(length, 1);
  return header;
}

export interface RawStreamOutcome {
  /** grpc-status from the trailers (or trailers-only headers); undefined if the stream was reset. */
  grpcStatus?: number;
  grpcMessage?: string;
  /** RST_STREAM code when the server reset the stream. */
  rstCode: number;
  /** Milliseconds from opening the stream to its close. */
  afterMs: number;
}

/**
 * Opens a POST for `path` with gRPC headers (and `grpc-encoding: gzip` when asked) and
 * resolves when the server closes the stream, with what it said. The caller writes the body
 * (or never ends it) through `stream`.
 */
export function openRawGrpcStream(
  session: http2.ClientHttp2Session,
  path: string,
  options: { gzip?: boolean } = {},
): { stream: http2.ClientHttp2Stream; outcome: Promise<RawStreamOutcome> } {
  const started = performance.now();
  const stream = session.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc+proto",
    te: "trailers",
    ...(options.gzip ? { "grpc-encoding": "gzip" } : {}),
  });
  const outcome = new Promise<RawStreamOutcome>((resolve) => {
    let grpcStatus: number | undefined;
    let grpcMessage: string | undefined;
    const read = (headers: http2.IncomingHttpHeaders) => {
      if (headers["grpc-status"] !== undefined) grpcStatus = Number(headers["grpc-status"]);
      if (headers["grpc-message"] !== undefined) grpcMessage = decodeURIComponent(String(headers["grpc-message"]));
    };
    stream.on("response", read);
    stream.on("trailers", read);
    stream.on("data", () => {});
    // A reset shows up as an error on the client side; the close that follows carries the code.
    stream.on("error", () => {});
    stream.once("close", () => resolve({ grpcStatus, grpcMessage, rstCode: stream.rstCode ?? 0, afterMs: performance.now() - started }));
  });
  return { stream, outcome };
}

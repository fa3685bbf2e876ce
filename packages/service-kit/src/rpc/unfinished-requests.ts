import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { Health } from "@invoicing/contracts/grpc/health/v1/health_pb";
import type http from "node:http";
import http2 from "node:http2";

const HEALTH_PATH = `/${Health.typeName}/`;

/**
 * The requests of one server whose body has not been read to its end. They are what an
 * attacker holds memory with (a body that never ends, a window of unread bytes per stream),
 * so there is a cap on how many there are at once and a deadline for each to end.
 */
export class UnfinishedRequests {
  #count = 0;

  constructor(private readonly limits: { maxUnfinishedRequests: number; requestBodyTimeoutMs: number }) {}

  get count(): number {
    return this.#count;
  }

  /**
   * Counts a stream from its headers until its body has been read to the end or it closes; a
   * body not ended within the timeout is reset. Past the cap a gRPC request is answered
   * RESOURCE_EXHAUSTED right here, in one HEADERS frame, before Node's request objects and
   * Connect's handler are built for it: under a flood of thousands of streams that is most of
   * the memory they cost (the e2e test measured 452 MB peak through Connect's gate alone).
   * Returns false when it answered, so the stream goes no further.
   */
  admit(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): boolean {
    this.#track(stream, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    const contentType = String(headers["content-type"] ?? "");
    const grpc = contentType.startsWith("application/grpc") && !contentType.startsWith("application/grpc-web");
    if (!grpc || !this.#full(String(headers[":path"] ?? ""))) return true;
    stream.respond(
      {
        ":status": 200,
        "content-type": contentType,
        "grpc-status": String(Code.ResourceExhausted),
        "grpc-message": encodeURIComponent(this.#busyMessage()),
      },
      { endStream: true },
    );
    this.#resetUnreadAfterAnswer(stream);
    return false;
  }

  /**
   * The HTTP/1.1 twin of `admit`: counted until its body ends; a body not ended in time closes
   * its connection (HTTP/1.1 has no stream of its own to reset). Past the cap Connect's gate
   * answers it.
   */
  admitHttp1(request: http.IncomingMessage): void {
    this.#track(request, () => request.socket.destroy());
  }

  #track(body: { once(event: "end" | "close", listener: () => void): unknown }, onTimeout: () => void): void {
    this.#count++;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#count--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      if (!finished) onTimeout();
    }, this.limits.requestBodyTimeoutMs);
    timer.unref();
    body.once("end", finish);
    body.once("close", finish);
  }

  /**
   * A request answered before its body was read (refused by Connect's gate, too large) has
   * its stream reset once the answer is out, as gRPC servers do, rather than left open for a
   * client that may never end it. Call it once Node's request objects exist: the trailers go
   * out from their "wantTrailers" listener, and this one must run after it.
   */
  resetUnreadOnAnswer(stream: http2.ServerHttp2Stream): void {
    stream.once("wantTrailers", () => this.#resetUnreadAfterAnswer(stream));
  }

  // One turn later the trailers (or the trailers-only HEADERS) are queued ahead of the reset;
  // reset at once, or on "finish", and it overtook them: the caller saw no status.
  #resetUnreadAfterAnswer(stream: http2.ServerHttp2Stream): void {
    setImmediate(() => {
      if (!stream.closed && !stream.readableEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
  }

  /**
   * Connect's request gate, for the protocols answered above only for gRPC (Connect, gRPC-Web):
   * it runs before the body is read, so a refused request costs no more than its headers.
   */
  readonly gate = (context: HandlerContext): void => {
    if (this.#full(new URL(context.url).pathname)) throw new ConnectError(this.#busyMessage(), Code.ResourceExhausted);
  };

  // Health checks pass regardless: a kubelet probe refused during a flood would restart a
  // pod that is coping.
  #full(path: string): boolean {
    return this.#count > this.limits.maxUnfinishedRequests && !path.startsWith(HEALTH_PATH);
  }

  #busyMessage(): string {
    return `server busy: more than ${this.limits.maxUnfinishedRequests} requests are still sending their bodies`;
  }
}

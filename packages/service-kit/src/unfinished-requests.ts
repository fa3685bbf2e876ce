import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { Health } from "@invoicing/contracts/grpc/health/v1/health_pb";
import http2 from "node:http2";

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
   * Counts a request from its headers until its body has been read to the end or its stream
   * closes. A body not ended within the timeout is reset. A request answered before its body
   * was read (refused by the gate, too large) has its stream reset once the answer is sent, as
   * gRPC servers do, instead of waiting for a client that may never end it.
   */
  track(req: http2.Http2ServerRequest): void {
    this.#count++;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#count--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      if (!finished) req.stream.close(http2.constants.NGHTTP2_CANCEL);
    }, this.limits.requestBodyTimeoutMs);
    timer.unref();
    req.once("end", finish);
    req.stream.once("close", finish);
    // After the trailers, which Node's compatibility layer sends on "wantTrailers" for every
    // answer with a body; one turn later they are queued ahead of the reset. (On "finish" the
    // reset overtook the trailers and the caller saw no status.)
    req.stream.once("wantTrailers", () => {
      setImmediate(() => {
        if (!finished && !req.stream.closed) req.stream.close(http2.constants.NGHTTP2_NO_ERROR);
      });
    });
  }

  /**
   * Connect's request gate: it runs before the body is read, so a refused request costs no
   * more than its headers. Health checks pass regardless: a kubelet probe refused during a
   * flood would restart a pod that is coping.
   */
  readonly gate = (context: HandlerContext): void => {
    if (context.service.typeName === Health.typeName) return;
    if (this.#count > this.limits.maxUnfinishedRequests) {
      throw new ConnectError(
        `server busy: more than ${this.limits.maxUnfinishedRequests} requests are still sending their bodies`,
        Code.ResourceExhausted,
      );
    }
  };
}

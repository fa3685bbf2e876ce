import { envInt, type Env } from "../config/env-config.js";

// What one gRPC server lets its callers hold. Without these the tester's 1 MiB gzip request
// inflated to 1 GiB, a 100 MB request was read whole, and 10,000 streams that never finished
// took the order service from 128 to 647 MB and stayed open. Each service sets the figures
// that fit its pod's memory limit in its wiring; the defaults suit a service whose requests
// are small keys (invoice, notifier).

export interface ServerLimits {
  /**
   * Largest request message, after decompression too (Connect's `readMaxBytes`: the gRPC
   * length prefix is checked before the body is read, gzip output is cut off by zlib's
   * `maxOutputLength` as it inflates). Past it: RESOURCE_EXHAUSTED.
   */
  maxRequestBytes: number;
  /**
   * Requests whose body has not been read to its end, over all connections. Each holds up to
   * a flow-control window (64 KiB) unread plus up to `maxRequestBytes` being assembled; the
   * next one past the cap is answered RESOURCE_EXHAUSTED without reading its body.
   */
  maxUnfinishedRequests: number;
  /** A request whose body has not ended this long after its headers is reset (RST_STREAM CANCEL). */
  requestBodyTimeoutMs: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: streams past it are refused by HTTP/2 itself. */
  maxConcurrentStreams: number;
  /** Open connections; the next one is closed as it arrives. */
  maxConnections: number;
  /**
   * A connection without a stream for this long gets GOAWAY. Open streams (a WatchInvoice
   * waiting quietly) keep a connection alive; they are bounded by their own caps.
   */
  idleConnectionMs: number;
  /** Node's `maxSessionMemory` in MB: headers tables, queued frames; new streams refused past it. */
  maxSessionMemoryMb: number;
  /** HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE: bytes of one request's headers. */
  maxHeaderListBytes: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxRequestBytes: 64 * 1024,
  maxUnfinishedRequests: 32,
  requestBodyTimeoutMs: 10_000,
  maxConcurrentStreams: 100,
  maxConnections: 64,
  idleConnectionMs: 300_000,
  maxSessionMemoryMb: 2,
  maxHeaderListBytes: 16 * 1024,
};

/**
 * The two limits an operator may need to change without a release: how long a request body
 * may take (slow networks) and how long a connection may sit without streams. The sizes and
 * counts stay in each service's wiring, where they are reasoned against its pod's memory.
 */
export type ServerTimeouts = Pick<ServerLimits, "requestBodyTimeoutMs" | "idleConnectionMs">;

export function readServerTimeouts(env: Env): ServerTimeouts {
  return {
    requestBodyTimeoutMs: envInt(env, "GRPC_REQUEST_BODY_TIMEOUT_MS", DEFAULT_SERVER_LIMITS.requestBodyTimeoutMs, {
      min: 100,
      max: 600_000,
    }),
    idleConnectionMs: envInt(env, "GRPC_IDLE_CONNECTION_MS", DEFAULT_SERVER_LIMITS.idleConnectionMs, {
      min: 1_000,
      max: 86_400_000,
    }),
  };
}

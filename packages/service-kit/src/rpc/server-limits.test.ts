import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_SERVER_LIMITS, readServerTimeouts } from "./server-limits.js";

describe("readServerTimeouts", () => {
  it("keeps the defaults when unset and takes whole milliseconds", () => {
    assert.deepEqual(readServerTimeouts({}), {
      requestBodyTimeoutMs: DEFAULT_SERVER_LIMITS.requestBodyTimeoutMs,
      idleConnectionMs: DEFAULT_SERVER_LIMITS.idleConnectionMs,
    });
    assert.equal(readServerTimeouts({ GRPC_REQUEST_BODY_TIMEOUT_MS: "2500" }).requestBodyTimeoutMs, 2_500);
  });

  it("stops on a bad value, naming the variable", () => {
    assert.throws(
      () => readServerTimeouts({ GRPC_REQUEST_BODY_TIMEOUT_MS: "soon" }),
      /GRPC_REQUEST_BODY_TIMEOUT_MS must be a whole number/,
    );
    assert.throws(() => readServerTimeouts({ GRPC_IDLE_CONNECTION_MS: "10" }), /GRPC_IDLE_CONNECTION_MS must be at least 1000/);
  });
});

import { HealthCheckResponse_ServingStatus as ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freeLoopbackPort } from "./free-port.js";
import { checkHealth, describeAnswer, isReady } from "./health-readiness.js";

describe("health readiness", () => {
  it("takes only SERVING as serving, and SERVING or NOT_SERVING as answering", () => {
    assert.equal(isReady({ status: ServingStatus.SERVING }, "serving"), true);
    assert.equal(isReady({ status: ServingStatus.NOT_SERVING }, "serving"), false);
    assert.equal(isReady({ status: ServingStatus.NOT_SERVING }, "answering"), true);
    assert.equal(isReady({ status: ServingStatus.UNKNOWN }, "answering"), false);
    assert.equal(isReady({ error: "connection refused" }, "answering"), false);
  });

  it("answers with the reason when nothing listens", async () => {
    const answer = await checkHealth({ port: await freeLoopbackPort() }, 1_000);
    assert.ok("error" in answer, describeAnswer(answer));
    assert.match(answer.error, /ECONNREFUSED|refused|unavailable/i);
  });
});

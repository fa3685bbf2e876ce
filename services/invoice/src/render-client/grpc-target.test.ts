import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toGrpcTarget } from "./grpc-target.js";

describe("toGrpcTarget", () => {
  it("resolves one host:port through DNS", () => {
    assert.equal(toGrpcTarget("127.0.0.1:50053"), "dns:///127.0.0.1:50053");
    assert.equal(toGrpcTarget("renderer:50053"), "dns:///renderer:50053");
  });

  it("turns a list into one target that round_robin spreads over", () => {
    assert.equal(toGrpcTarget("127.0.0.1:1, 127.0.0.1:2"), "ipv4:127.0.0.1:1,127.0.0.1:2");
    assert.equal(toGrpcTarget("[::1]:1,[::1]:2"), "ipv6:[::1]:1,[::1]:2");
  });

  it("keeps a scheme target as written", () => {
    assert.equal(toGrpcTarget("dns:///renderer.invoicing.svc:50053"), "dns:///renderer.invoicing.svc:50053");
  });
});

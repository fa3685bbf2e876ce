import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readPlatformConfig } from "./platform-config.js";

describe("readPlatformConfig", () => {
  it("creates streams with one replica unless JETSTREAM_REPLICAS says otherwise", () => {
    assert.equal(readPlatformConfig({}).jetstreamReplicas, 1);
    assert.equal(readPlatformConfig({ JETSTREAM_REPLICAS: "" }).jetstreamReplicas, 1);
    assert.equal(readPlatformConfig({ JETSTREAM_REPLICAS: "3" }).jetstreamReplicas, 3);
    assert.equal(readPlatformConfig({ JETSTREAM_REPLICAS: "5" }).jetstreamReplicas, 5);
  });

  it("refuses a replica count JetStream cannot have, naming the variable", () => {
    assert.throws(() => readPlatformConfig({ JETSTREAM_REPLICAS: "0" }), /JETSTREAM_REPLICAS must be at least 1, got 0/);
    assert.throws(() => readPlatformConfig({ JETSTREAM_REPLICAS: "6" }), /JETSTREAM_REPLICAS must be at most 5, got 6/);
    assert.throws(() => readPlatformConfig({ JETSTREAM_REPLICAS: "three" }), /JETSTREAM_REPLICAS must be a whole number/);
  });
});

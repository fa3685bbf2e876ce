import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffIsSafe } from "./jetstream-topology.js";

describe("backoffIsSafe", () => {
  it("gives a consumer a backoff list only on servers that apply it per message", () => {
    for (const version of ["2.9.10", "2.10.22", "2.10.0-beta.1", "", undefined])
      assert.equal(backoffIsSafe(version), false, String(version));
    for (const version of ["2.10.23", "2.10.24", "2.11.0", "3.0.0"]) assert.equal(backoffIsSafe(version), true, version);
  });
});

// ensureStreams against real nats-servers, one and a cluster of three, is in
// e2e/src/nats/jetstream-topology.e2e.test.ts: the servers come from local-stack's launcher,
// which a library may not import.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assignServicePorts } from "./service-ports.js";

describe("assignServicePorts", () => {
  it("picks distinct free ports for the service's port and metrics port, and no health port without TLS", async () => {
    const { ports, env } = await assignServicePorts("invoice", {});
    assert.ok(ports.port > 0 && ports.metricsPort > 0 && ports.port !== ports.metricsPort, JSON.stringify(ports));
    assert.equal(ports.healthPort, undefined);
    assert.deepEqual(env, { INVOICE_PORT: String(ports.port), METRICS_PORT: String(ports.metricsPort) });
  });

  it("adds HEALTH_PORT with TLS, and keeps what the environment pins, bad values included", async () => {
    const { ports, env } = await assignServicePorts("renderer", { TLS_CERT_FILE: "/c.pem", RENDERER_PORT: "50123", METRICS_PORT: "0" });
    assert.equal(ports.port, 50123);
    assert.ok(ports.healthPort! > 0 && ports.healthPort !== ports.metricsPort);
    assert.equal(env["HEALTH_PORT"], String(ports.healthPort));
    // The service is the one to refuse a bad port, naming the variable: the harness passes it on.
    assert.equal((await assignServicePorts("order", { ORDER_PORT: "not-a-port" })).env["ORDER_PORT"], "not-a-port");
  });
});

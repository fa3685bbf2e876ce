import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { describe, it } from "node:test";
import { startGrpcServer } from "./grpc-server.js";

describe("startGrpcServer", () => {
  it("sends GOAWAY to a connection past its maximum age, and calls go on over a new one", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, maxConnectionAgeMs: 200 });
    try {
      const session = http2.connect(`http://127.0.0.1:${server.port}`);
      const startedAt = performance.now();
      const goaway = await new Promise<{ code: number; afterMs: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no GOAWAY within 2 s")), 2_000);
        session.once("goaway", (code: number) => {
          clearTimeout(timer);
          resolve({ code, afterMs: performance.now() - startedAt });
        });
        session.once("error", reject);
      });
      session.destroy();
      assert.equal(goaway.code, http2.constants.NGHTTP2_NO_ERROR);
      assert.ok(goaway.afterMs >= 150 && goaway.afterMs < 1_000, `GOAWAY after ${goaway.afterMs} ms, max age 200 ms ±10%`);

      const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
      for (let call = 0; call < 3; call++) {
        assert.equal((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING);
        await new Promise((resolve) => setTimeout(resolve, 250)); // past the age: the next call reconnects
      }
    } finally {
      await server.close(100);
    }
  });

  it("keeps connections open without a maximum age", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0 });
    try {
      const session = http2.connect(`http://127.0.0.1:${server.port}`);
      let goaway = false;
      session.once("goaway", () => (goaway = true));
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(goaway, false);
      assert.equal(session.closed, false);
      session.destroy();
    } finally {
      await server.close(100);
    }
  });
});

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type ConnectRouter } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { RenderPdfResponseSchema, RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { startGrpcServer } from "./grpc-server.js";
import { grpcFrameHeader, openRawGrpcStream } from "../testing/raw-grpc-stream.js";

const CHECK = "/grpc.health.v1.Health/Check";
const WATCH = "/grpc.health.v1.Health/Watch";
const RENDER = "/invoicing.render.v1.RenderService/RenderPdf";
const RESOURCE_EXHAUSTED = 8;

/** Any service but health, which the cap on unfinished requests lets through. */
const renderRoutes = (router: ConnectRouter) => router.service(RenderService, { renderPdf: () => create(RenderPdfResponseSchema, {}) });

/** A HealthCheckRequest whose `service` is `length` zero bytes: any size, any ratio. */
function healthCheckOf(length: number): Buffer {
  const varint: number[] = [];
  for (let rest = length; ; rest = Math.floor(rest / 128)) {
    if (rest < 128) {
      varint.push(rest);
      break;
    }
    varint.push((rest % 128) | 128);
  }
  return Buffer.concat([Buffer.from([0x0a, ...varint]), Buffer.alloc(length)]);
}

const connect = (port: number) => http2.connect(`http://127.0.0.1:${port}`);

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
    } finally {
      await server.close(100);
    }
    // Calls after an age are made on a new connection. A longer age here than above: a call that
    // a loaded machine delays past the age of the connection it was opened for is refused
    // (REFUSED_STREAM), which connect-node does not retry, and the test would measure the load.
    const aging = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, maxConnectionAgeMs: 600 });
    try {
      const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${aging.port}` }));
      for (let call = 0; call < 3; call++) {
        assert.equal((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING);
        await new Promise((resolve) => setTimeout(resolve, 700)); // past the age: the next call reconnects
      }
    } finally {
      await aging.close(100);
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

  it("refuses a gzip request that inflates past the maximum, at once", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits: { maxRequestBytes: 64 * 1024 } });
    const session = connect(server.port);
    try {
      const bomb = gzipSync(healthCheckOf(64 * 1024 * 1024));
      const { stream, outcome } = openRawGrpcStream(session, CHECK, { gzip: true });
      stream.end(Buffer.concat([grpcFrameHeader(bomb.length, true), bomb]));
      const result = await outcome;
      assert.equal(result.grpcStatus, RESOURCE_EXHAUSTED, `answer ${JSON.stringify(result)}`);
      assert.match(result.grpcMessage ?? "", /after decompression/);
      assert.ok(result.afterMs < 1_000, `refused after ${result.afterMs} ms`);
      // The small request itself is fine: the limit is on the inflated size.
      const small = gzipSync(healthCheckOf(0));
      const ok = openRawGrpcStream(session, CHECK, { gzip: true });
      ok.stream.end(Buffer.concat([grpcFrameHeader(small.length, true), small]));
      assert.equal((await ok.outcome).grpcStatus, 0);
    } finally {
      session.destroy();
      await server.close(100);
    }
  });

  it("refuses a message whose length prefix is past the maximum before its body is sent", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits: { maxRequestBytes: 64 * 1024 } });
    const session = connect(server.port);
    try {
      const { stream, outcome } = openRawGrpcStream(session, CHECK);
      stream.write(grpcFrameHeader(100_000_000, false)); // and never the 100 MB
      const result = await outcome;
      assert.equal(result.grpcStatus, RESOURCE_EXHAUSTED, `answer ${JSON.stringify(result)}`);
      assert.ok(result.afterMs < 1_000, `refused after ${result.afterMs} ms`);
    } finally {
      session.destroy();
      await server.close(100);
    }
  });

  it("resets a request whose body never ends, after the body timeout", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits: { requestBodyTimeoutMs: 300 } });
    const session = connect(server.port);
    try {
      const { stream, outcome } = openRawGrpcStream(session, CHECK);
      stream.write(grpcFrameHeader(10, false));
      const result = await outcome;
      assert.equal(result.rstCode, http2.constants.NGHTTP2_CANCEL, `answer ${JSON.stringify(result)}`);
      assert.ok(result.afterMs >= 250 && result.afterMs < 2_000, `reset after ${result.afterMs} ms, timeout 300 ms`);
    } finally {
      session.destroy();
      await server.close(100);
    }
  });

  it("answers RESOURCE_EXHAUSTED past the cap on unfinished requests, and serves again once they end", async () => {
    const server = await startGrpcServer({ routes: renderRoutes, host: "127.0.0.1", port: 0, limits: { maxUnfinishedRequests: 3 } });
    const session = connect(server.port);
    try {
      const held = [0, 1, 2].map(() => openRawGrpcStream(session, RENDER));
      for (const { stream } of held) stream.write(grpcFrameHeader(2, false));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const extra = openRawGrpcStream(session, RENDER);
      extra.stream.end(grpcFrameHeader(0, false));
      const refused = await extra.outcome;
      assert.equal(refused.grpcStatus, RESOURCE_EXHAUSTED, `answer ${JSON.stringify(refused)}`);
      assert.match(refused.grpcMessage ?? "", /more than 3 requests/);
      // The Connect protocol is refused by Connect's request gate, in its own error format.
      const overConnect = createClient(
        RenderService,
        createConnectTransport({ baseUrl: `http://127.0.0.1:${server.port}`, httpVersion: "2" }),
      );
      await assert.rejects(overConnect.renderPdf({ html: "x" }), (error: unknown) => {
        const e = ConnectError.from(error);
        return e.code === Code.ResourceExhausted && /more than 3 requests/.test(e.rawMessage);
      });
      const probe = openRawGrpcStream(session, CHECK);
      probe.stream.end(Buffer.concat([grpcFrameHeader(2, false), healthCheckOf(0)]));
      assert.equal((await probe.outcome).grpcStatus, 0, "health checks pass the cap");
      for (const { stream } of held) stream.end(Buffer.from([0x0a, 0x00])); // html: ""
      assert.deepEqual(
        (await Promise.all(held.map((h) => h.outcome))).map((o) => o.grpcStatus),
        [0, 0, 0],
      );
      const again = openRawGrpcStream(session, RENDER);
      again.stream.end(grpcFrameHeader(0, false));
      assert.equal((await again.outcome).grpcStatus, 0);
    } finally {
      session.destroy();
      await server.close(100);
    }
  });

  it("advertises its stream limit and refuses streams past it", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits: { maxConcurrentStreams: 2 } });
    const session = connect(server.port);
    try {
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      assert.equal(session.remoteSettings.maxConcurrentStreams, 2);
      const watches = [0, 1].map(() => openRawGrpcStream(session, WATCH));
      for (const { stream } of watches) stream.end(Buffer.concat([grpcFrameHeader(2, false), healthCheckOf(0)]));
      // Node's client queues a stream past the peer's limit rather than sending it: the third
      // one does not start until one of the two watches ends.
      const third = openRawGrpcStream(session, CHECK);
      third.stream.end(grpcFrameHeader(0, false));
      const early = await Promise.race([third.outcome, new Promise((resolve) => setTimeout(() => resolve("waiting"), 300))]);
      assert.equal(early, "waiting");
      watches[0]!.stream.close();
      assert.equal((await third.outcome).grpcStatus, 0);
    } finally {
      session.destroy();
      await server.close(100);
    }
  });

  it("sends GOAWAY to a connection without streams, and not to one with a stream open", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits: { idleConnectionMs: 300 } });
    const idle = connect(server.port);
    const busy = connect(server.port);
    try {
      const startedAt = performance.now();
      const watch = openRawGrpcStream(busy, WATCH);
      watch.stream.end(Buffer.concat([grpcFrameHeader(0, false)]));
      let busyGoaway = false;
      busy.once("goaway", () => (busyGoaway = true));
      const afterMs = await new Promise<number>((resolve) => idle.once("goaway", () => resolve(performance.now() - startedAt)));
      assert.ok(afterMs >= 250 && afterMs < 2_000, `GOAWAY after ${afterMs} ms, idle timeout 300 ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(busyGoaway, false, "a connection holding a watch is not idle");
      watch.stream.close();
      await new Promise<void>((resolve) => busy.once("goaway", () => resolve()));
    } finally {
      idle.destroy();
      busy.destroy();
      await server.close(100);
    }
  });

  it("closes connections past the cap as they arrive", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits: { maxConnections: 2 } });
    const sessions = [0, 1, 2].map(() => connect(server.port));
    try {
      const outcomes = await Promise.all(
        sessions.map(
          (session) =>
            new Promise<string>((resolve) => {
              session.once("remoteSettings", () => resolve("open"));
              session.once("close", () => resolve("closed"));
              session.once("error", () => {});
            }),
        ),
      );
      assert.deepEqual(outcomes.sort(), ["closed", "open", "open"]);
    } finally {
      for (const session of sessions) session.destroy();
      await server.close(100);
    }
  });
});

import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import assert from "node:assert/strict";
import net from "node:net";
import { describe, it } from "node:test";
import { protocolOf } from "./cleartext-listener.js";
import { startGrpcServer } from "./grpc-server.js";

describe("telling HTTP/2 from HTTP/1.1 by the first bytes", () => {
  it("knows the HTTP/2 client preface from any HTTP/1.1 request line, and waits while a few bytes could be either", () => {
    assert.equal(protocolOf(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04")), "http2");
    assert.equal(protocolOf(Buffer.from("PRI ")), "http2");
    for (const undecided of ["P", "PR", "PRI"]) assert.equal(protocolOf(Buffer.from(undecided)), undefined, undecided);
    for (const line of ["POST /x HTTP/1.1\r\n", "OPTIONS * HTTP/1.1\r\n", "PRIVATE", "G", "PUT"]) {
      assert.equal(protocolOf(Buffer.from(line)), "http1", line);
    }
  });
});

/** A raw connection to the port, and a promise of its end (how long it stayed open, what it was told). */
function rawConnection(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  const opened = performance.now();
  let answer = "";
  socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
  const closed = new Promise<{ afterMs: number; answer: string }>((resolve) =>
    socket.once("close", () => resolve({ afterMs: performance.now() - opened, answer })),
  );
  return { socket, closed, connected: new Promise((resolve) => socket.once("connect", resolve)) };
}

describe("the plaintext port under hostile HTTP/1.1 and raw TCP", () => {
  const limits = { requestBodyTimeoutMs: 500, maxConcurrentStreams: 4 };
  const serving = async (port: number) =>
    (await createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` })).check({})).status;

  it("survives a peer that resets its connection before sending a byte", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits });
    try {
      for (let i = 0; i < 3; i++) {
        const { socket, connected, closed } = rawConnection(server.port);
        await connected;
        socket.resetAndDestroy();
        await closed;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await serving(server.port), HealthCheckResponse_ServingStatus.SERVING);
    } finally {
      await server.close(100);
    }
  });

  it("closes a connection that trickles a request line, and one that never decides its protocol, within the deadline", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits });
    try {
      const trickling = rawConnection(server.port);
      await trickling.connected;
      trickling.socket.write("G");
      const undecided = rawConnection(server.port);
      await undecided.connected;
      undecided.socket.write("PR");
      const [slow, unsure] = await Promise.all([trickling.closed, undecided.closed]);
      assert.ok(slow.afterMs < 2_000, `the trickling connection stayed ${slow.afterMs.toFixed(0)} ms`);
      assert.match(slow.answer, /^HTTP\/1\.1 408/, "told why");
      assert.ok(unsure.afterMs < 2_000, `the undecided connection stayed ${unsure.afterMs.toFixed(0)} ms`);
    } finally {
      await server.close(100);
    }
  });

  it("closes a connection that pipelines more requests than HTTP/2 allows streams", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits });
    try {
      const pipelining = rawConnection(server.port);
      await pipelining.connected;
      const request = `POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;
      pipelining.socket.write(request.repeat(50));
      const { afterMs, answer } = await pipelining.closed;
      const answered = answer.match(/HTTP\/1\.1 200/g)?.length ?? 0;
      assert.ok(answered <= limits.maxConcurrentStreams, `${answered} of 50 pipelined requests answered`);
      assert.ok(afterMs < 2_000);
    } finally {
      await server.close(100);
    }
  });

  it("closes within its grace period with an HTTP/1.1 keep-alive connection open", async () => {
    const server = await startGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, limits });
    const idle = rawConnection(server.port);
    await idle.connected;
    idle.socket.write(
      "POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await server.close(300);
    assert.ok(performance.now() - started < 2_000, `close took ${(performance.now() - started).toFixed(0)} ms`);
    await idle.closed;
  });
});

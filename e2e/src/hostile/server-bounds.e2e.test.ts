import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import type { ServiceProcess } from "@invoicing/local-stack/service-process";
import { grpcFrameHeader, openRawGrpcStream, type RawStreamOutcome } from "@invoicing/service-kit/testing";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipBomb } from "./gzip-bomb.js";
import { processMemory } from "./process-memory-status.js";

// A hostile caller with nothing but network access, against a real order service process:
// the order pod's memory limit is 384 Mi (deploy/k8s/base/order.yaml).
const POD_LIMIT_MIB = 384;
const CREATE_ORDER = "/invoicing.order.v1.OrderService/CreateOrder";
const RESOURCE_EXHAUSTED = 8;
const STREAMS = 10_000;
// Shorter than the 10 s default, so the streams the server lets in (up to its cap on
// unfinished requests, in turns as others close) are reset within the test's patience.
const BODY_TIMEOUT_MS = 2_000;
/** "Close to where it was": the heap the flood grew, given back to within this much. */
const RETURNED_WITHIN_MIB = 32;

/** Starts the peak (VmHWM) again from the current RSS, so a phase's peak is its own. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

function connectAll(port: number, count: number): Promise<http2.ClientHttp2Session[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<http2.ClientHttp2Session | undefined>((resolve) => {
          const session = http2.connect(`http://127.0.0.1:${port}`);
          session.on("error", () => {});
          session.once("remoteSettings", () => resolve(session));
          session.once("close", () => resolve(undefined));
        }),
    ),
  ).then((sessions) => sessions.filter((s): s is http2.ClientHttp2Session => s !== undefined && !s.closed));
}

describe("order service under hostile requests", { timeout: 300_000 }, () => {
  let stack: LocalStack;
  let order: ServiceProcess;
  let pid: number;

  before(async () => {
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-hostile-bounds-")),
      topology: { services: ["order"], env: { order: { GRPC_REQUEST_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) } } },
    });
    order = stack.services.order;
    pid = order.process.pid!;
    await sleep(1_000); // past start-up, so "before" is the service at rest
  });

  after(async () => {
    await stack?.stop();
  });

  it("refuses a 1 MiB gzip bomb (1 GiB inflated) and a 100 MB request within a second, under the pod limit", async () => {
    const before = processMemory(pid);
    resetPeak(pid);
    const session = http2.connect(`http://127.0.0.1:${order.port}`);
    try {
      // CreateOrderRequest field 3 is `currency`: a 1 GiB string of zeros.
      const bomb = gzipBomb(3);
      const gz = openRawGrpcStream(session, CREATE_ORDER, { gzip: true });
      gz.stream.end(Buffer.concat([grpcFrameHeader(bomb.length, true), bomb]));
      const bombed = await gz.outcome;
      console.log(
        `gzip bomb of ${(bomb.length / 2 ** 20).toFixed(2)} MiB (1 GiB inflated): grpc-status ${bombed.grpcStatus} after ${bombed.afterMs.toFixed(0)} ms (${bombed.grpcMessage})`,
      );
      assert.equal(bombed.grpcStatus, RESOURCE_EXHAUSTED);
      assert.ok(bombed.afterMs < 1_000, `refused after ${bombed.afterMs} ms`);

      // 100 MB, its length prefix honest, sent as fast as the server reads.
      const plain = openRawGrpcStream(session, CREATE_ORDER);
      const size = 100_000_000;
      plain.stream.write(grpcFrameHeader(size, false));
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const writing = (async () => {
        while (sent < size && !plain.stream.closed && !plain.stream.destroyed) {
          if (!plain.stream.write(chunk)) await new Promise((resolve) => plain.stream.once("drain", resolve).once("close", resolve));
          sent += chunk.length;
        }
      })();
      const large = await plain.outcome;
      await writing;
      console.log(
        `100 MB request: grpc-status ${large.grpcStatus} after ${large.afterMs.toFixed(0)} ms, ${(sent / 2 ** 20).toFixed(0)} MiB written before the server closed it`,
      );
      assert.equal(large.grpcStatus, RESOURCE_EXHAUSTED);
      assert.ok(large.afterMs < 1_000, `refused after ${large.afterMs} ms`);
      assert.ok(sent < size / 10, `the server stopped it after ${sent} bytes`);
    } finally {
      session.destroy();
    }
    const afterBoth = processMemory(pid);
    console.log(
      `order memory: ${before.rssMiB.toFixed(0)} MiB before, peak ${afterBoth.peakMiB.toFixed(0)} MiB, ${afterBoth.rssMiB.toFixed(0)} MiB after (pod limit ${POD_LIMIT_MIB} Mi)`,
    );
    assert.ok(afterBoth.peakMiB < POD_LIMIT_MIB, `peak ${afterBoth.peakMiB} MiB`);
  });

  /** Opens STREAMS streams that never finish and waits until the server has closed them all. */
  async function flood() {
    // As many connections as it takes at the server's advertised stream limit; the server
    // closes those past its connection cap as they arrive.
    const probe = await connectAll(order.port, 1);
    const perConnection = probe[0]!.remoteSettings.maxConcurrentStreams ?? 100;
    probe[0]!.destroy();
    const asked = Math.ceil(STREAMS / perConnection);
    const sessions = await connectAll(order.port, asked);
    const started = performance.now();
    const outcomes: Promise<RawStreamOutcome>[] = [];
    for (let i = 0; i < STREAMS; i++) {
      const { stream, outcome } = openRawGrpcStream(sessions[i % sessions.length]!, CREATE_ORDER);
      // A message announced at 512 bytes of which 16 come, and the body never ends.
      stream.write(Buffer.concat([grpcFrameHeader(512, false), Buffer.alloc(16)]));
      outcomes.push(outcome);
    }
    await sleep(1_000);
    const during = processMemory(pid);
    const results = await Promise.all(outcomes);
    const allClosedMs = performance.now() - started;
    for (const session of sessions) session.destroy();
    const refused = results.filter((r) => r.grpcStatus === RESOURCE_EXHAUSTED).length;
    const reset = results.filter((r) => r.grpcStatus === undefined && r.rstCode === http2.constants.NGHTTP2_CANCEL).length;
    console.log(
      `${STREAMS} unfinished streams over ${sessions.length} connections (${asked} asked, ${perConnection} streams each): ` +
        `${refused} answered RESOURCE_EXHAUSTED at once, ${reset} reset at the ${BODY_TIMEOUT_MS} ms body timeout, ` +
        `all closed by the server after ${(allClosedMs / 1000).toFixed(1)} s; RSS ${during.rssMiB.toFixed(0)} MiB during`,
    );
    const other = results.find((r) => r.grpcStatus !== RESOURCE_EXHAUSTED && r.rstCode !== http2.constants.NGHTTP2_CANCEL);
    assert.equal(refused + reset, STREAMS, `every stream closed by the server; one was not: ${JSON.stringify(other)}`);
    assert.ok(reset > 0 && refused > 0);
  }

  /** Ordinary calls after a flood: they must be served, and they let V8 collect what it left. */
  async function serveOrdinaryCalls(count: number): Promise<void> {
    // The server counts a connection until it has read its close: a new one arriving first
    // would find the connection cap still full.
    await sleep(1_000);
    const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${order.port}` }));
    for (let i = 0; i < count; i++) {
      assert.equal((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING);
    }
  }

  const heapMiB = async () => (await scrapeSample(order.metricsPort, "nodejs_heap_size_used_bytes")) / 2 ** 20;

  it(`closes ${STREAMS} streams that never finish, twice, and memory returns`, async () => {
    await serveOrdinaryCalls(2_000);
    const before = { ...processMemory(pid), heapMiB: await heapMiB() };
    resetPeak(pid);
    const afterEach: { rssMiB: number; heapMiB: number }[] = [];
    for (let round = 0; round < 2; round++) {
      await flood();
      await serveOrdinaryCalls(2_000);
      // Garbage goes when V8 collects it, not when the flood ends: ordinary calls go on for up
      // to 15 s, until the heap is back within bounds (or the check below fails).
      let heap = await heapMiB();
      for (let waited = 0; heap >= before.heapMiB + RETURNED_WITHIN_MIB && waited < 15; waited++) {
        await serveOrdinaryCalls(500);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        heap = await heapMiB();
      }
      afterEach.push({ rssMiB: processMemory(pid).rssMiB, heapMiB: heap });
    }
    const peakMiB = processMemory(pid).peakMiB;
    console.log(
      `order memory: before RSS ${before.rssMiB.toFixed(0)} MiB (heap ${before.heapMiB.toFixed(0)} MiB), peak ${peakMiB.toFixed(0)} MiB, ` +
        afterEach.map((m, i) => `after flood ${i + 1} RSS ${m.rssMiB.toFixed(0)} MiB (heap ${m.heapMiB.toFixed(0)} MiB)`).join(", "),
    );
    assert.ok(peakMiB < POD_LIMIT_MIB, `peak ${peakMiB} MiB`);
    // The JavaScript heap comes back; the process keeps some pages from the allocator for the
    // next burst, so what matters is that a second flood reuses them instead of adding more.
    for (const after of afterEach) assert.ok(after.heapMiB < before.heapMiB + RETURNED_WITHIN_MIB, `heap ${after.heapMiB} MiB`);
    // RSS read right after a flood still holds garbage not yet collected, so the bound is the
    // high-water mark before the second flood, not the first flood's exact figure.
    const highWater = Math.max(before.rssMiB, afterEach[0]!.rssMiB);
    assert.ok(afterEach[1]!.rssMiB < highWater + RETURNED_WITHIN_MIB, "the second flood held no more than the process had before it");
  });
});

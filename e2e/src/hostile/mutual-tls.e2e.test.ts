import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { OrderService } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import type { ServiceProcess } from "@invoicing/local-stack/service-process";
import type { StackTls } from "@invoicing/local-stack/stack-tls";
import { createTestCertificateAuthority, type CertificateFiles } from "@invoicing/local-stack/test-certificates";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

type ClientTls = { ca: Buffer; cert?: Buffer; key?: Buffer };

const clientTls = (files: CertificateFiles, trust: string = files.caFile): ClientTls => ({
  ca: readFileSync(trust),
  cert: readFileSync(files.certFile),
  key: readFileSync(files.keyFile),
});

/** How a call ended, and how long it took: the refusals must be quick, not timeouts. */
async function outcome(call: () => Promise<unknown>): Promise<{ code: Code | "OK"; message: string; ms: number }> {
  const started = performance.now();
  try {
    await call();
    return { code: "OK", message: "", ms: performance.now() - started };
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage, ms: performance.now() - started };
  }
}

// Real renderer and order processes with TLS on, as the prod overlay runs them, called over
// loopback by clients holding the right certificate, another service's, another CA's or none.
describe("mutual TLS between services", { timeout: 120_000 }, () => {
  let stack: LocalStack;
  let tls: StackTls;
  let foreign: CertificateFiles;
  let renderer: ServiceProcess;
  let order: ServiceProcess;
  const html = "<html><body><h1>mTLS render</h1></body></html>";

  const renderWith = (options: ClientTls) =>
    createClient(
      RenderService,
      createGrpcTransport({ baseUrl: `https://127.0.0.1:${renderer.port}`, nodeOptions: options, defaultTimeoutMs: 10_000 }),
    );
  const orderWith = (options: ClientTls) =>
    createClient(
      OrderService,
      createGrpcTransport({ baseUrl: `https://127.0.0.1:${order.port}`, nodeOptions: options, defaultTimeoutMs: 10_000 }),
    );

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "invoicing-mtls-"));
    stack = await startLocalStack({
      dataDir: dir,
      tls: true,
      topology: { services: ["renderer", "order"], env: { renderer: { RENDER_PAGES: "1" } } },
    });
    tls = stack.tls!;
    renderer = stack.services.renderer;
    order = stack.services.order;
    // Same names, another CA: what someone who can make certificates, but not ours, holds.
    foreign = await (await createTestCertificateAuthority(join(dir, "foreign-ca"))).issue("invoice");
  });

  after(async () => {
    await stack?.stop();
  });

  it("refuses a call without a client certificate", async (t) => {
    const ca = readFileSync(tls.ca.caFile);
    const render = await outcome(() => renderWith({ ca }).renderPdf({ html }));
    const pay = await outcome(() => orderWith({ ca }).getOrder({ orderId: "o_1" }));
    t.diagnostic(
      `no certificate: renderer ${Code[render.code as Code]} in ${render.ms.toFixed(0)} ms (${render.message}); order ${Code[pay.code as Code]} in ${pay.ms.toFixed(0)} ms`,
    );
    assert.match(render.message, /certificate required/);
    for (const result of [render, pay]) {
      assert.notEqual(result.code, "OK");
      assert.ok(result.ms < 5_000, `refused in ${result.ms} ms`);
    }
  });

  it("refuses a certificate from another CA, even one naming the invoice service", async (t) => {
    const render = await outcome(() => renderWith(clientTls(foreign, tls.ca.caFile)).renderPdf({ html }));
    t.diagnostic(`other CA: ${Code[render.code as Code]} in ${render.ms.toFixed(0)} ms (${render.message})`);
    assert.notEqual(render.code, "OK");
    assert.ok(render.ms < 5_000);
  });

  it("refuses plaintext on the TLS port", async () => {
    const plain = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${renderer.port}`, defaultTimeoutMs: 5_000 }));
    const result = await outcome(() => plain.check({}));
    assert.notEqual(result.code, "OK");
  });

  it("lets only the invoice service's certificate render", async (t) => {
    const notifier = await outcome(() => renderWith(clientTls(tls.certificates.notifier)).renderPdf({ html }));
    const operator = await outcome(() => renderWith(clientTls(tls.certificates.operator)).renderPdf({ html }));
    t.diagnostic(`notifier's certificate: ${Code[notifier.code as Code]} (${notifier.message})`);
    assert.equal(notifier.code, Code.PermissionDenied);
    assert.match(notifier.message, /names notifier; this server accepts invoice/);
    assert.equal(operator.code, Code.PermissionDenied);

    const { pdf } = await renderWith(clientTls(tls.certificates.invoice)).renderPdf({ html });
    assert.match(pdfText(pdf), /mTLS render/);
  });

  it("serves the caller with the right certificate", async () => {
    const orders = orderWith(clientTls(tls.certificates.operator));
    const { order: created } = await orders.createOrder(sampleOrder("mTLS buyer"));
    assert.ok(created?.orderId);
    assert.equal((await orders.getOrder({ orderId: created.orderId })).order?.orderId, created.orderId);
    // The renderer's certificate is ours, but the renderer does not call the order service.
    const result = await outcome(() => orderWith(clientTls(tls.certificates.renderer)).getOrder({ orderId: created.orderId }));
    assert.equal(result.code, Code.PermissionDenied);
  });

  it("answers grpc.health.v1 in plaintext on the health port, and nothing else there", async () => {
    for (const service of [renderer, order]) {
      const healthPort = service.healthPort ?? 0;
      assert.ok(healthPort > 0 && healthPort !== service.port, `${service.name} health_port ${healthPort}`);
      const baseUrl = `http://127.0.0.1:${healthPort}`;
      const health = createClient(Health, createGrpcTransport({ baseUrl, defaultTimeoutMs: 5_000 }));
      assert.equal((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING);
      const unauthenticated = await outcome(() =>
        createClient(OrderService, createGrpcTransport({ baseUrl, defaultTimeoutMs: 5_000 })).getOrder({ orderId: "o_1" }),
      );
      assert.equal(unauthenticated.code, Code.Unimplemented, `${service.name}: ${unauthenticated.message}`);
    }
  });
});

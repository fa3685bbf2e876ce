import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

// The buf CLI of the workspace, as a developer runs it: `buf curl` with no --schema learns
// every method and message from the running server's gRPC reflection.
const buf = join(dirname(createRequire(import.meta.url).resolve("@bufbuild/buf/package.json")), "bin", "buf");
const run = promisify(execFile);

async function bufCurl(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(buf, ["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args], { timeout: 30_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe("every server answers gRPC reflection, so buf curl needs no schema", { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "invoicing-reflection-"));
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ dataDir: dir });
  });
  after(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const expected: Record<string, string[]> = {
    order: ["invoicing.order.v1.OrderService/CompletePayment", "invoicing.order.v1.OrderService/RefundPayment"],
    invoice: ["invoicing.invoice.v1.InvoiceService/GetInvoiceDocument", "invoicing.invoice.v1.InvoiceService/WatchInvoice"],
    renderer: ["invoicing.render.v1.RenderService/RenderPdf"],
    notifier: [],
  };

  it("lists each server's methods with buf curl --list-methods, health and reflection among them", async () => {
    for (const [service, methods] of Object.entries(expected)) {
      const port = stack.services[service as keyof LocalStack["services"]].port;
      const listed = await bufCurl(["--list-methods", `http://127.0.0.1:${port}`]);
      assert.equal(listed.code, 0, `${service}: ${listed.stderr}`);
      const lines = listed.stdout.trim().split("\n");
      for (const method of [...methods, "grpc.health.v1.Health/Check", "grpc.reflection.v1.ServerReflection/ServerReflectionInfo"]) {
        assert.ok(lines.includes(method), `${service} does not list ${method}:\n${listed.stdout}`);
      }
    }
  });

  it("answers the older grpc.reflection.v1alpha too, which older tools ask first", async () => {
    const listed = await bufCurl(["--reflect-protocol", "grpc-v1alpha", "--list-methods", `http://127.0.0.1:${stack.services.order.port}`]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes("invoicing.order.v1.OrderService/CreateOrder"), listed.stdout);
  });

  it("calls a method with JSON built from the reflected schema, and reads the error it answers", async () => {
    const health = await bufCurl(["--data", "{}", `http://127.0.0.1:${stack.services.invoice.port}/grpc.health.v1.Health/Check`]);
    assert.equal(health.code, 0, health.stderr);
    assert.match(health.stdout, /"status": "(SERVING|NOT_SERVING)"/);
    const missing = await bufCurl([
      "--data",
      '{"invoiceId": "inv_nobody"}',
      `http://127.0.0.1:${stack.services.invoice.port}/invoicing.invoice.v1.InvoiceService/GetInvoice`,
    ]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /not_found/i);
    assert.match(missing.stdout + missing.stderr, /invoice inv_nobody not found/);
  });
});

import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

// What a browser's fetch sends on plain http: HTTP/1.1, Connect's JSON or gRPC-Web, an Origin,
// and first a CORS preflight. Sent with curl, a fresh process per request, as an operator would
// try it; the stack allows one origin and no other.
const ALLOWED = "http://app.example.test:5173";
const run = promisify(execFile);

interface CurlAnswer {
  status: number;
  version: string;
  headers: Record<string, string>;
  body: Buffer;
}

async function curl(url: string, args: string[]): Promise<CurlAnswer> {
  const { stdout } = await run("curl", ["--silent", "--http1.1", "--include", "--max-time", "20", ...args, url], {
    encoding: "buffer",
    timeout: 30_000,
  });
  const split = stdout.indexOf("\r\n\r\n");
  const head = stdout.subarray(0, split).toString("latin1").split("\r\n");
  const [version, status] = head[0]!.split(" ");
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status), version: version!, headers, body: stdout.subarray(split + 4) };
}

describe("browsers over HTTP/1.1: Connect, gRPC-Web and CORS", { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "invoicing-http1-"));
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ dataDir: dir, env: { CORS_ALLOWED_ORIGINS: ALLOWED } });
  });
  after(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = (service: "order" | "invoice" | "renderer" | "notifier", path: string) =>
    `http://127.0.0.1:${stack.services[service].port}${path}`;
  const connectJson = (data: string, origin = ALLOWED) => [
    "-H",
    "Content-Type: application/json",
    "-H",
    "Connect-Protocol-Version: 1",
    "-H",
    `Origin: ${origin}`,
    "--data",
    data,
  ];

  it("answers a Connect call over HTTP/1.1 on every server, with the allowed origin's CORS headers", async () => {
    for (const service of ["order", "invoice", "renderer", "notifier"] as const) {
      const answer = await curl(url(service, "/grpc.health.v1.Health/Check"), connectJson("{}"));
      assert.equal(answer.version, "HTTP/1.1", service);
      assert.equal(answer.status, 200, `${service}: ${answer.body}`);
      assert.match(answer.body.toString(), /"status":"(SERVING|NOT_SERVING)"/, service);
      assert.equal(answer.headers["access-control-allow-origin"], ALLOWED, service);
    }
    const missing = await curl(
      url("invoice", "/invoicing.invoice.v1.InvoiceService/GetInvoice"),
      connectJson('{"invoiceId":"inv_nobody"}'),
    );
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body.toString()), { code: "not_found", message: "invoice inv_nobody not found" });
  });

  it("answers gRPC-Web over HTTP/1.1, its status in the trailer frame", async () => {
    // An empty request message still has its five-byte frame: flag 0, length 0.
    const { stdout } = await run(
      "bash",
      [
        "-c",
        `printf '\\x00\\x00\\x00\\x00\\x00' | curl --silent --http1.1 --include -H 'Content-Type: application/grpc-web+proto' -H 'X-Grpc-Web: 1' --data-binary @- ${url("order", "/grpc.health.v1.Health/Check")}`,
      ],
      { encoding: "buffer", timeout: 30_000 },
    );
    const text = stdout.toString("latin1");
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /content-type: application\/grpc-web\+proto/i);
    assert.ok(text.includes("\x00\x00\x00\x00\x02\x08\x01"), "a message frame: HealthCheckResponse{status: SERVING}");
    const trailers = text.indexOf("\x80\x00\x00\x00");
    assert.ok(trailers > 0, "a trailer frame");
    assert.match(text.slice(trailers + 5), /^grpc-status: ?0\r\n/, "the trailer frame says OK");
  });

  it("answers the allowed origin's preflight, and refuses another origin's preflight and request", async () => {
    const preflight = (origin: string) =>
      curl(url("order", "/invoicing.order.v1.OrderService/GetOrder"), [
        "-X",
        "OPTIONS",
        "-H",
        `Origin: ${origin}`,
        "-H",
        "Access-Control-Request-Method: POST",
        "-H",
        "Access-Control-Request-Headers: content-type,connect-protocol-version",
      ]);
    const allowed = await preflight(ALLOWED);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers["access-control-allow-origin"], ALLOWED);
    assert.match(allowed.headers["access-control-allow-headers"] ?? "", /Content-Type/i);
    assert.match(allowed.headers["access-control-allow-methods"] ?? "", /POST/);

    const other = await preflight("https://evil.example");
    assert.equal(other.status, 403);
    assert.equal(other.headers["access-control-allow-origin"], undefined);
    const call = await curl(
      url("order", "/invoicing.order.v1.OrderService/GetOrder"),
      connectJson('{"orderId":"ord_x"}', "https://evil.example"),
    );
    assert.equal(call.status, 403, "a call from a page not allowed never reaches the handler");
  });
});

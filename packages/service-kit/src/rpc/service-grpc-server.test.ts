import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startServiceGrpcServer, type ServiceGrpcServer } from "./service-grpc-server.js";
import { readServerTlsConfig } from "../config/tls-config.js";

const dir = mkdtempSync(join(tmpdir(), "service-grpc-server-test-"));

/** Self-signed, so each is its own CA: the server trusts the clients' files, the clients the server's. */
function selfSigned(name: string): { cert: string; key: string } {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      files.key,
      "-out",
      files.cert,
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-addext",
      `subjectAltName=DNS:${name},IP:127.0.0.1`,
    ],
    { stdio: "pipe" },
  );
  return files;
}

describe("a service's gRPC server with mutual TLS", () => {
  let server: ServiceGrpcServer;
  let peer: (name: "invoice" | "notifier") => { ca: Buffer; cert: Buffer; key: Buffer };

  before(async () => {
    const own = selfSigned("renderer");
    const clients = { invoice: selfSigned("invoice"), notifier: selfSigned("notifier") };
    const trusted = join(dir, "clients.crt");
    execFileSync("sh", ["-c", `cat "${clients.invoice.cert}" "${clients.notifier.cert}" > "${trusted}"`]);
    const tls = readServerTlsConfig(
      { TLS_CERT_FILE: own.cert, TLS_KEY_FILE: own.key, TLS_CA_FILE: trusted },
      { defaultClientNames: ["invoice"] },
    );
    server = await startServiceGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, tls });
    peer = (name) => ({ ca: readFileSync(own.cert), cert: readFileSync(clients[name].cert), key: readFileSync(clients[name].key) });
  });
  after(() => server?.close(100));

  const baseUrl = () => `https://127.0.0.1:${server.port}`;

  it("refuses another identity in every protocol with PERMISSION_DENIED, and lets the named one in", async () => {
    for (const transport of [createGrpcTransport, createGrpcWebTransport, createConnectTransport]) {
      const refused = createClient(Health, transport({ baseUrl: baseUrl(), httpVersion: "2", nodeOptions: peer("notifier") }));
      await assert.rejects(
        refused.check({}),
        (error: unknown) => {
          const e = ConnectError.from(error);
          return e.code === Code.PermissionDenied && e.rawMessage === "client certificate names notifier; this server accepts invoice";
        },
        transport.name,
      );
      const allowed = createClient(Health, transport({ baseUrl: baseUrl(), httpVersion: "2", nodeOptions: peer("invoice") }));
      assert.equal((await allowed.check({})).status, ServingStatus.SERVING, transport.name);
    }
  });

  it("reports its health in plaintext on the health port, the same state as the TLS port", async () => {
    assert.ok(server.healthPort && server.healthPort !== server.port);
    const plain = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.healthPort}` }));
    assert.equal((await plain.check({})).status, ServingStatus.SERVING);
    server.health.set(ServingStatus.NOT_SERVING);
    assert.equal((await plain.check({})).status, ServingStatus.NOT_SERVING);
    server.health.set(ServingStatus.SERVING);
  });

  it("closes both listeners", async () => {
    const healthPort = server.healthPort;
    await server.close(100);
    const plain = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${healthPort}`, defaultTimeoutMs: 2_000 }));
    await assert.rejects(plain.check({}), (error: unknown) => ConnectError.from(error).code === Code.Unavailable);
  });
});

describe("a service's gRPC server without TLS", () => {
  it("is plaintext h2c with health on its own port and no second listener", async () => {
    const server = await startServiceGrpcServer({ routes: () => {}, host: "127.0.0.1", port: 0, tls: readServerTlsConfig({}) });
    try {
      assert.equal(server.healthPort, undefined);
      const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
      assert.equal((await health.check({})).status, ServingStatus.SERVING);
    } finally {
      await server.close(100);
    }
  });
});

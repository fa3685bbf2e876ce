import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ConfigError } from "./env-config.js";
import { allowedPeerName, certificateDnsNames } from "../rpc/peer-identity.js";
import { readServerTlsConfig, readTlsIdentity } from "./tls-config.js";

const dir = mkdtempSync(join(tmpdir(), "tls-config-test-"));

/** A self-signed certificate (its own CA) with the given subjectAltName, by Debian's openssl. */
function selfSigned(name: string, subjectAltName: string, commonName = name): { cert: string; key: string } {
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
      `/CN=${commonName}`,
      "-addext",
      `subjectAltName=${subjectAltName}`,
    ],
    { stdio: "pipe" },
  );
  return files;
}

const certificate = (files: { cert: string }) => new X509Certificate(readFileSync(files.cert));
const configError = (variable: string, pattern: RegExp) => (error: unknown) =>
  error instanceof ConfigError && error.message.startsWith(`invalid configuration: ${variable} `) && pattern.test(error.message);

describe("TLS configuration", () => {
  let invoice: { cert: string; key: string };
  let other: { cert: string; key: string };
  let env: Record<string, string>;
  before(() => {
    invoice = selfSigned("invoice", "DNS:invoice,DNS:invoice.invoicing.svc.cluster.local,IP:127.0.0.1");
    other = selfSigned("other", "DNS:other");
    env = { TLS_CERT_FILE: invoice.cert, TLS_KEY_FILE: invoice.key, TLS_CA_FILE: invoice.cert };
  });

  it("is off without the files, and then refuses the settings that only mean something with TLS", () => {
    assert.deepEqual(readServerTlsConfig({}), { tls: undefined, healthPort: undefined });
    assert.throws(() => readServerTlsConfig({ TLS_CLIENT_NAMES: "invoice" }), configError("TLS_CLIENT_NAMES", /only used with TLS/));
    assert.throws(() => readServerTlsConfig({ HEALTH_PORT: "8081" }), configError("HEALTH_PORT", /only used with TLS/));
  });

  it("needs all three files, naming the one missing", () => {
    assert.throws(
      () => readTlsIdentity({ TLS_CERT_FILE: invoice.cert, TLS_KEY_FILE: invoice.key }),
      configError("TLS_CA_FILE", /must be set when TLS_CERT_FILE, TLS_KEY_FILE is/),
    );
    assert.throws(
      () => readTlsIdentity({ TLS_CA_FILE: invoice.cert }),
      configError("TLS_CERT_FILE", /all of TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE or none/),
    );
  });

  it("stops at start on a file that is missing, not PEM, or a key of another certificate", () => {
    assert.throws(
      () => readTlsIdentity({ ...env, TLS_CA_FILE: join(dir, "nope.crt") }),
      configError("TLS_CA_FILE", /cannot be read .*nope\.crt/),
    );
    const garbage = join(dir, "garbage.pem");
    writeFileSync(garbage, "not a certificate\n");
    assert.throws(() => readTlsIdentity({ ...env, TLS_CERT_FILE: garbage }), configError("TLS_CERT_FILE", /must hold a PEM certificate/));
    assert.throws(() => readTlsIdentity({ ...env, TLS_KEY_FILE: garbage }), configError("TLS_KEY_FILE", /must hold a PEM private key/));
    assert.throws(
      () => readTlsIdentity({ ...env, TLS_KEY_FILE: other.key }),
      configError("TLS_KEY_FILE", /does not belong to the certificate in TLS_CERT_FILE/),
    );
  });

  it("reads the files, the client names (or the service's default) and the health port", () => {
    const config = readServerTlsConfig({ ...env, TLS_CLIENT_NAMES: " notifier, operator ", HEALTH_PORT: "8081" });
    assert.deepEqual(config.tls?.clientNames, ["notifier", "operator"]);
    assert.equal(config.healthPort, 8081);
    assert.deepEqual(config.tls?.cert, readFileSync(invoice.cert));
    const renderer = readServerTlsConfig(env, { defaultClientNames: ["invoice"] });
    assert.deepEqual(renderer.tls?.clientNames, ["invoice"]);
    assert.equal(renderer.healthPort, 0, "a free port, logged, when HEALTH_PORT is unset");
    assert.equal(readServerTlsConfig(env).tls?.clientNames, undefined, "any certificate of the CA");
    assert.throws(
      () => readServerTlsConfig({ ...env, TLS_CLIENT_NAMES: "invoice,*.svc" }),
      configError("TLS_CLIENT_NAMES", /comma-separated list of DNS names/),
    );
    assert.throws(() => readServerTlsConfig({ ...env, HEALTH_PORT: "http" }), configError("HEALTH_PORT", /whole number/));
  });
});

describe("a peer's identity", () => {
  it("is a DNS subjectAltName matched exactly, never the CN and never through a wildcard", () => {
    const invoice = certificate(selfSigned("invoice-peer", "DNS:invoice,DNS:invoice.invoicing.svc.cluster.local"));
    assert.equal(allowedPeerName(invoice, ["renderer", "invoice"]), "invoice");
    assert.equal(allowedPeerName(invoice, ["notifier"]), undefined);
    assert.equal(allowedPeerName(invoice, ["invoicing.svc.cluster.local"]), undefined, "no suffix match");
    assert.deepEqual(certificateDnsNames(invoice), ["invoice", "invoice.invoicing.svc.cluster.local"]);

    // CN "invoice", but its only SAN names someone else: not the invoice service.
    const cnOnly = certificate(selfSigned("cn-only", "DNS:stranger", "invoice"));
    assert.equal(allowedPeerName(cnOnly, ["invoice"]), undefined);
    const wildcard = certificate(selfSigned("wildcard", "DNS:*.invoicing"));
    assert.equal(allowedPeerName(wildcard, ["invoice.invoicing"]), undefined);
    const ipOnly = certificate(selfSigned("ip-only", "IP:127.0.0.1"));
    assert.deepEqual(certificateDnsNames(ipOnly), []);
  });
});

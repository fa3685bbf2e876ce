import { readFileSync } from "node:fs";
import { createTestCertificateAuthority, type CertificateFiles, type TestCertificateAuthority } from "./test-certificates.js";
import type { ServiceName } from "./service-process.js";

/** The identity of whoever drives the stack from outside: tests, the demo, the chaos harness. */
export const OPERATOR = "operator";

/**
 * Who may call each service (TLS_CLIENT_NAMES), as in the prod overlay: the renderer only
 * the invoice service (its own default), the invoice service the notifier and operators,
 * order and the notifier's health-only port operators.
 */
const CLIENT_NAMES: Record<ServiceName, string | undefined> = {
  renderer: undefined,
  invoice: `notifier,${OPERATOR}`,
  order: OPERATOR,
  notifier: OPERATOR,
};

export interface StackTls {
  ca: TestCertificateAuthority;
  certificates: Record<ServiceName | typeof OPERATOR, CertificateFiles>;
  /** The operator's certificate, for createGrpcTransport's `nodeOptions`. */
  clientOptions: { ca: Buffer; cert: Buffer; key: Buffer };
}

/** A CA and a certificate for every service and the operator, under `dir`. */
export async function createStackTls(dir: string): Promise<StackTls> {
  const ca = await createTestCertificateAuthority(dir);
  const names = ["order", "invoice", "renderer", "notifier", OPERATOR] as const;
  const issued = await Promise.all(names.map((name) => ca.issue(name)));
  const certificates = Object.fromEntries(names.map((name, i) => [name, issued[i]!])) as StackTls["certificates"];
  const operator = certificates[OPERATOR];
  return {
    ca,
    certificates,
    clientOptions: {
      ca: readFileSync(operator.caFile),
      cert: readFileSync(operator.certFile),
      key: readFileSync(operator.keyFile),
    },
  };
}

/** A service's TLS environment in this stack; for harnesses that start services themselves. */
export function serviceTlsEnv(service: ServiceName, tls: StackTls): Record<string, string> {
  const names = CLIENT_NAMES[service];
  return { ...tls.ca.env(tls.certificates[service]), ...(names ? { TLS_CLIENT_NAMES: names } : {}) };
}

/**
 * A client certificate `service` accepts, for the harness's own calls to it (health at start):
 * the renderer takes only the invoice service's, every other service the operator's.
 */
export function clientTlsFor(service: ServiceName, tls: StackTls): CertificateFiles {
  return tls.certificates[service === "renderer" ? "invoice" : OPERATOR];
}

import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { clientTracing } from "@invoicing/service-kit/rpc";
import type { TlsIdentity, TlsMaterial } from "@invoicing/service-kit/config";
import { TlsIdentitySource } from "@invoicing/service-kit/rpc";

/**
 * How the notifier reaches the invoice service. With TLS it presents its own certificate and
 * trusts only the CA's; a transport fixes them when it is made, so a renewed certificate on
 * disk gets a new transport for the calls that follow (the old one's connection closes when
 * idle), and the notifier needs no restart.
 */
export function invoiceServiceTransport(baseUrl: string, tls: TlsIdentity | undefined): { transport: Transport; close(): void } {
  const make = (material?: TlsMaterial) =>
    createGrpcTransport({
      baseUrl,
      interceptors: [clientTracing],
      nodeOptions: material ? { ca: material.ca, cert: material.cert, key: material.key } : undefined,
    });
  if (!tls) return { transport: make(), close() {} };
  const source = new TlsIdentitySource(tls);
  let current = make(source.current);
  const unsubscribe = source.subscribe((material) => {
    current = make(material);
  });
  return {
    transport: {
      unary: (...call) => current.unary(...call),
      stream: (...call) => current.stream(...call),
    },
    close: unsubscribe,
  };
}

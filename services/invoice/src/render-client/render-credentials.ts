import * as grpc from "@grpc/grpc-js";
import type { TlsIdentity } from "@invoicing/service-kit/config";
import { TlsIdentitySource } from "@invoicing/service-kit/rpc";

type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

/**
 * The invoice service's credentials towards the renderer: plaintext without TLS; with it, its
 * own certificate presented and the renderer's checked against the CA (and its host name).
 * createSsl would fix the files at start: through a certificate provider, grpc-js builds each
 * new connection from the certificate on disk now, so a renewal needs no restart.
 */
export function renderCredentials(tls: TlsIdentity | undefined): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const provider = new SourceCertificateProvider(new TlsIdentitySource(tls));
  return grpc.experimental.createCertificateProviderChannelCredentials(provider, provider);
}

class SourceCertificateProvider implements grpc.experimental.CertificateProvider {
  readonly #source: TlsIdentitySource;
  readonly #ca = new Set<CaListener>();
  readonly #identity = new Set<IdentityListener>();
  #unsubscribe: (() => void) | undefined;

  constructor(source: TlsIdentitySource) {
    this.#source = source;
  }

  addCaCertificateListener(listener: CaListener): void {
    this.#ca.add(listener);
    this.#watch();
    listener({ caCertificate: this.#source.current.ca });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.#ca.delete(listener);
    this.#unwatchIfUnused();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.#identity.add(listener);
    this.#watch();
    const { cert, key } = this.#source.current;
    listener({ certificate: cert, privateKey: key });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.#identity.delete(listener);
    this.#unwatchIfUnused();
  }

  #watch(): void {
    this.#unsubscribe ??= this.#source.subscribe(({ cert, key, ca }) => {
      for (const listener of this.#ca) listener({ caCertificate: ca });
      for (const listener of this.#identity) listener({ certificate: cert, privateKey: key });
    });
  }

  #unwatchIfUnused(): void {
    if (this.#ca.size > 0 || this.#identity.size > 0) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}

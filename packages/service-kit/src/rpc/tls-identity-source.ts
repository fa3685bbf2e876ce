import { loadTlsMaterial, type TlsIdentity, type TlsMaterial } from "../config/tls-config.js";

type Listener = (material: TlsMaterial) => void;

/**
 * A service's certificate as it is now on disk. cert-manager renews a certificate (30 days
 * before expiry in the prod overlay) into its Secret, and the kubelet swaps the mounted files;
 * read at start only, a long-running pod would go on presenting the old one until it expired
 * and every new handshake failed. So the files are read again every `reloadIntervalMs` and
 * each subscriber (a server's secure context, a client's credentials) gets a changed set once
 * it has passed the same checks as at start. A set that does not pass (a half-written file,
 * a key of another certificate) is reported and the current one kept; the next read tries again.
 */
export class TlsIdentitySource {
  #current: TlsMaterial;
  readonly #identity: TlsIdentity;
  readonly #listeners = new Set<Listener>();
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #lastError: string | undefined;

  constructor(identity: TlsIdentity, onError: (error: unknown) => void = defaultOnError) {
    this.#identity = identity;
    this.#current = { cert: identity.cert, key: identity.key, ca: identity.ca };
    this.#onError = onError;
  }

  get current(): TlsMaterial {
    return this.#current;
  }

  /** Calls `listener` with every new set; reading runs while anyone listens. Returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (!this.#timer && this.#identity.reloadIntervalMs > 0) {
      this.#timer = setInterval(() => this.check(), this.#identity.reloadIntervalMs);
      this.#timer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Reads the files now; true when a new set was taken. */
  check(): boolean {
    let next: TlsMaterial;
    try {
      next = loadTlsMaterial(this.#identity.files);
    } catch (error) {
      // Once per distinct problem: a file left broken would otherwise log every interval.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.#lastError) this.#onError(error);
      this.#lastError = message;
      return false;
    }
    this.#lastError = undefined;
    const current = this.#current;
    if (next.cert.equals(current.cert) && next.key.equals(current.key) && next.ca.equals(current.ca)) return false;
    this.#current = next;
    for (const listener of this.#listeners) listener(next);
    return true;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function defaultOnError(error: unknown): void {
  process.emitWarning(
    `TLS files changed but cannot be used, keeping the current certificate: ${error instanceof Error ? error.message : String(error)}`,
  );
}

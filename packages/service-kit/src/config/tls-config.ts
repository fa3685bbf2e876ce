import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError, envInt, envOptional, envPort, type Env } from "./env-config.js";

/** Where the PEM files are: the mounted Secret's keys in a cluster. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** The PEM contents, checked: a certificate, its own private key, and the CA to trust. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

/**
 * A service's own certificate and the CA it trusts, read at start. The same pair is the
 * server's certificate and the one it presents as a client: one identity per service.
 */
export interface TlsIdentity extends TlsMaterial {
  files: TlsFiles;
  /**
   * How often the files are read again (0: never). cert-manager renews a certificate into
   * its Secret and the kubelet swaps the mounted files; servers and clients take the new
   * ones from their next connection, without a restart (tls-identity-source.ts).
   */
  reloadIntervalMs: number;
}

/** What a server needs for mutual TLS. */
export interface ServerTls extends TlsIdentity {
  /**
   * The client identities accepted: a peer is let in when one of its certificate's DNS
   * subjectAltNames is in this list. Undefined: any certificate the CA signed.
   */
  clientNames: readonly string[] | undefined;
}

export interface ServerTlsConfig {
  /** Undefined: plaintext h2c, the local default on loopback. */
  tls: ServerTls | undefined;
  /**
   * With TLS, grpc.health.v1 is also served in plaintext on this port (0: a free port, logged
   * as health_port): the kubelet's gRPC probes cannot do TLS. Undefined without TLS.
   */
  healthPort: number | undefined;
}

const FILE_VARIABLES = ["TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_CA_FILE"] as const;

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(variable, `cannot be read ("${path}"): ${(error as Error).message}`);
  }
}

function parsedCertificate(variable: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ConfigError(variable, "must hold a PEM certificate");
  }
}

/**
 * Reads and checks the three files, naming the variable of the one that is missing, not PEM,
 * or (the key) not the certificate's. At start and at every reload.
 */
export function loadTlsMaterial(files: TlsFiles): TlsMaterial {
  const cert = readPem("TLS_CERT_FILE", files.certFile);
  const key = readPem("TLS_KEY_FILE", files.keyFile);
  const ca = readPem("TLS_CA_FILE", files.caFile);
  const certificate = parsedCertificate("TLS_CERT_FILE", cert);
  parsedCertificate("TLS_CA_FILE", ca);
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError("TLS_KEY_FILE", "must hold a PEM private key");
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError("TLS_KEY_FILE", "does not belong to the certificate in TLS_CERT_FILE");
  }
  return { cert, key, ca };
}

/**
 * TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE: all three or none. The files are read and
 * checked here, so a missing mount or a key that does not belong to the certificate stops
 * the service at start, naming the variable, rather than failing the first handshake.
 */
export function readTlsIdentity(env: Env): TlsIdentity | undefined {
  const paths = FILE_VARIABLES.map((name) => envOptional(env, name));
  if (paths.every((path) => path === undefined)) return undefined;
  const missing = FILE_VARIABLES.filter((_, i) => paths[i] === undefined);
  if (missing.length > 0) {
    const given = FILE_VARIABLES.filter((_, i) => paths[i] !== undefined).join(", ");
    throw new ConfigError(missing[0]!, `must be set when ${given} is: TLS needs all of ${FILE_VARIABLES.join(", ")} or none`);
  }
  const files = { certFile: paths[0]!, keyFile: paths[1]!, caFile: paths[2]! };
  return {
    ...loadTlsMaterial(files),
    files,
    reloadIntervalMs: envInt(env, "TLS_RELOAD_INTERVAL_MS", 60_000, { min: 0, max: 86_400_000 }),
  };
}

function readClientNames(env: Env, fallback: readonly string[] | undefined): readonly string[] | undefined {
  const raw = envOptional(env, "TLS_CLIENT_NAMES");
  if (raw === undefined) return fallback;
  const names = raw
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const bad = names.find((name) => !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(name));
  if (names.length === 0 || bad !== undefined) {
    throw new ConfigError("TLS_CLIENT_NAMES", `must be a comma-separated list of DNS names, got "${raw}"`);
  }
  return names;
}

/**
 * A server's TLS settings. `defaultClientNames` is the service's own rule when
 * TLS_CLIENT_NAMES is unset (the renderer: only the invoice service); TLS_CLIENT_NAMES,
 * HEALTH_PORT and TLS_RELOAD_INTERVAL_MS without the certificate files are refused rather
 * than ignored, since each says the operator expects TLS.
 */
export function readServerTlsConfig(env: Env, options: { defaultClientNames?: readonly string[] } = {}): ServerTlsConfig {
  const identity = readTlsIdentity(env);
  if (identity === undefined) {
    for (const name of ["TLS_CLIENT_NAMES", "HEALTH_PORT", "TLS_RELOAD_INTERVAL_MS"]) {
      if (envOptional(env, name) !== undefined) {
        throw new ConfigError(name, `is only used with TLS: set TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE too`);
      }
    }
    return { tls: undefined, healthPort: undefined };
  }
  return {
    tls: { ...identity, clientNames: readClientNames(env, options.defaultClientNames) },
    healthPort: envPort(env, "HEALTH_PORT", 0),
  };
}

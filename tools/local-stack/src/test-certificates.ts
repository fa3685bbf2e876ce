import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The three files one service is started with (TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE). */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

export interface TestCertificateAuthority {
  caFile: string;
  /**
   * A certificate for `name`, signed by this CA: DNS subjectAltName `name` (the identity the
   * servers check) and IP 127.0.0.1 (the local stack's clients verify the server's address),
   * usable as server and as client.
   */
  issue(name: string): Promise<CertificateFiles>;
  /** The service environment for a certificate issued by this CA. */
  env(files: CertificateFiles): Record<string, string>;
}

const CA_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = invoicing test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

const leafExtensions = (name: string) => `[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:${name}, IP:127.0.0.1
authorityKeyIdentifier = keyid
`;

// P-256 keys: quick to make (a few milliseconds each) and accepted by every TLS stack here.
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/**
 * A throwaway CA in `dir`, made with Debian's openssl CLI, for tests, the chaos harness and
 * the demo. Valid for a week: nothing here outlives a test run.
 */
export async function createTestCertificateAuthority(dir: string): Promise<TestCertificateAuthority> {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, "ca.crt");
  const caKeyFile = join(dir, "ca.key");
  const caConfig = join(dir, "ca.cnf");
  writeFileSync(caConfig, CA_CONFIG);
  await run("openssl", [
    "req",
    "-x509",
    "-config",
    caConfig,
    "-extensions",
    "ca",
    ...NEW_KEY,
    "-keyout",
    caKeyFile,
    "-out",
    caFile,
    "-days",
    "7",
  ]);
  return {
    caFile,
    async issue(name) {
      if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(name)) throw new Error(`not a DNS name: "${name}"`);
      const base = join(dir, name);
      const files = { certFile: `${base}.crt`, keyFile: `${base}.key`, caFile };
      writeFileSync(`${base}.ext`, leafExtensions(name));
      await run("openssl", [
        "req",
        "-new",
        "-config",
        caConfig,
        ...NEW_KEY,
        "-keyout",
        files.keyFile,
        "-out",
        `${base}.csr`,
        "-subj",
        `/CN=${name}`,
      ]);
      await run("openssl", [
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        caFile,
        "-CAkey",
        caKeyFile,
        "-set_serial",
        `0x${randomBytes(8).toString("hex")}`,
        "-days",
        "7",
        "-extfile",
        `${base}.ext`,
        "-extensions",
        "leaf",
        "-out",
        files.certFile,
      ]);
      return files;
    },
    env(files) {
      return { TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile, TLS_CA_FILE: files.caFile };
    },
  };
}

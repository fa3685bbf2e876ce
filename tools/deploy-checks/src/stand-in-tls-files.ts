import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The TLS_* files are mounted from Secrets cert-manager writes in the cluster, so their
// content is not in the manifests (tls-mounts.ts checks where they are mounted from). The
// services read and check those files in readConfig, so the checks hand it a throwaway
// self-signed certificate in their place: what is checked through readConfig is then every
// other variable, with TLS on as the manifest turns it on.

export const TLS_FILE_VARIABLES = ["TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_CA_FILE"] as const;

let standIn: { cert: string; key: string } | undefined;

function standInFiles(): { cert: string; key: string } {
  if (!standIn) {
    const dir = mkdtempSync(join(tmpdir(), "deploy-checks-tls-"));
    const files = { cert: join(dir, "stand-in.crt"), key: join(dir, "stand-in.key") };
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
        "/CN=deploy-checks stand-in",
      ],
      { stdio: "pipe" },
    );
    standIn = files;
  }
  return standIn;
}

/** `values` with each TLS_* path that is set replaced by the stand-in's (self-signed, so also its own CA). */
export function withStandInTlsFiles(values: Record<string, string>): Record<string, string> {
  if (!TLS_FILE_VARIABLES.some((name) => values[name])) return values;
  const files = standInFiles();
  const replaced = { ...values };
  for (const name of TLS_FILE_VARIABLES) {
    if (replaced[name]) replaced[name] = name === "TLS_KEY_FILE" ? files.key : files.cert;
  }
  return replaced;
}

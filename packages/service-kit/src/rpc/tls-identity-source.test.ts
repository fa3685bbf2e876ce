import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readTlsIdentity } from "../config/tls-config.js";
import { TlsIdentitySource } from "./tls-identity-source.js";

const dir = mkdtempSync(join(tmpdir(), "tls-identity-source-test-"));

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
    ],
    { stdio: "pipe" },
  );
  return files;
}

/** Like the kubelet's swap of a Secret volume: each file replaced whole. */
function replace(from: string, to: string): void {
  copyFileSync(from, `${to}.new`);
  renameSync(`${to}.new`, to);
}

describe("a service's certificate as it is on disk", () => {
  it("hands a renewed set to its subscribers, and keeps the current one while the files do not match", () => {
    const first = selfSigned("first");
    const live = { cert: join(dir, "live.crt"), key: join(dir, "live.key") };
    replace(first.cert, live.cert);
    replace(first.key, live.key);
    const identity = readTlsIdentity({
      TLS_CERT_FILE: live.cert,
      TLS_KEY_FILE: live.key,
      TLS_CA_FILE: live.cert,
      TLS_RELOAD_INTERVAL_MS: "0",
    })!;
    const errors: string[] = [];
    const source = new TlsIdentitySource(identity, (error) => errors.push((error as Error).message));
    const seen: Buffer[] = [];
    const unsubscribe = source.subscribe((material) => seen.push(material.cert));

    assert.equal(source.check(), false, "nothing changed");
    const renewed = selfSigned("renewed");
    replace(renewed.cert, live.cert); // the certificate first, its key not yet: a moment of mismatch
    assert.equal(source.check(), false);
    assert.equal(source.check(), false);
    assert.deepEqual(errors, ["invalid configuration: TLS_KEY_FILE does not belong to the certificate in TLS_CERT_FILE"], "reported once");
    assert.deepEqual(source.current.cert, readFileSync(first.cert), "the current one kept");

    replace(renewed.key, live.key);
    assert.equal(source.check(), true);
    assert.deepEqual(seen, [readFileSync(renewed.cert)]);
    assert.deepEqual(source.current.key, readFileSync(renewed.key));
    unsubscribe();
  });

  it("reads again on its interval while someone listens", async () => {
    const first = selfSigned("timed-first");
    const live = { cert: join(dir, "timed.crt"), key: join(dir, "timed.key") };
    replace(first.cert, live.cert);
    replace(first.key, live.key);
    const identity = readTlsIdentity({
      TLS_CERT_FILE: live.cert,
      TLS_KEY_FILE: live.key,
      TLS_CA_FILE: live.cert,
      TLS_RELOAD_INTERVAL_MS: "50",
    })!;
    const source = new TlsIdentitySource(identity);
    const renewedAt = new Promise<number>((resolve) => source.subscribe(() => resolve(performance.now())));
    const renewed = selfSigned("timed-renewed");
    replace(renewed.key, live.key);
    replace(renewed.cert, live.cert);
    const started = performance.now();
    // The source's timer does not hold the process open (unref): this one does, and bounds the wait.
    let deadline: NodeJS.Timeout | undefined;
    const at = await Promise.race([
      renewedAt,
      new Promise<never>((_, reject) => (deadline = setTimeout(() => reject(new Error("not reloaded within 2 s")), 2_000))),
    ]);
    clearTimeout(deadline);
    source.stop();
    assert.ok(at - started < 1_000, `taken after ${at - started} ms at a 50 ms interval`);
  });
});

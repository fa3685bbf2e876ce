import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../config/env-config.js";
import { eventSigner, eventVerifier, readSigningKeyFile, readVerifyKeyFiles } from "./event-signature.js";

const pair = () => generateKeyPairSync("ed25519");

describe("event signatures", () => {
  const producer = pair();
  const signer = eventSigner(producer.privateKey);
  const verifier = eventVerifier("order", [producer.publicKey]);
  const payload = new TextEncoder().encode("a PaymentCompleted");

  it("accepts what the producer's key signed, as it was signed", () => {
    const header = signer.sign("payments.completed.ord_1", payload);
    assert.match(header, /^[0-9a-f]{16}\.[A-Za-z0-9_-]{86}$/);
    assert.equal(verifier.problem("payments.completed.ord_1", payload, header), undefined);
  });

  it("refuses a missing signature, another key, changed bytes and a moved subject", () => {
    const header = signer.sign("payments.completed.ord_1", payload);
    assert.match(verifier.problem("payments.completed.ord_1", payload, undefined)!, /no Event-Signature header/);
    const stranger = eventSigner(pair().privateKey).sign("payments.completed.ord_1", payload);
    assert.match(verifier.problem("payments.completed.ord_1", payload, stranger)!, /which is not a order key/);
    const changed = Uint8Array.from(payload);
    changed[0] = changed[0]! ^ 1;
    assert.match(verifier.problem("payments.completed.ord_1", changed, header)!, /does not match/);
    assert.match(verifier.problem("payments.refunded.ord_1", payload, header)!, /does not match/);
    // The right key id with a signature that is not one.
    assert.match(verifier.problem("payments.completed.ord_1", payload, `${signer.keyId}.AAAA`)!, /does not match/);
    assert.match(verifier.problem("payments.completed.ord_1", payload, "garbage")!, /not a order key/);
  });

  it("trusts the old and the new key during a rotation", () => {
    const next = pair();
    const both = eventVerifier("order", [producer.publicKey, next.publicKey]);
    for (const key of [producer.privateKey, next.privateKey]) {
      const header = eventSigner(key).sign("s", payload);
      assert.equal(both.problem("s", payload, header), undefined);
    }
  });

  it("reads PEM files, and names the variable when they are missing or wrong", () => {
    const dir = mkdtempSync(join(tmpdir(), "event-keys-"));
    const privatePem = join(dir, "order.key.pem");
    const publicPem = join(dir, "order.pub.pem");
    writeFileSync(privatePem, producer.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(publicPem, producer.publicKey.export({ type: "spki", format: "pem" }));
    const fromFiles = readSigningKeyFile("EVENT_SIGNING_KEY_FILE", privatePem);
    assert.equal(fromFiles.keyId, signer.keyId);
    const header = fromFiles.sign("s", payload);
    assert.equal(readVerifyKeyFiles("ORDER_EVENT_KEY_FILES", "order", publicPem).problem("s", payload, header), undefined);

    const rsa = join(dir, "rsa.pem");
    writeFileSync(rsa, generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }));
    const cases: Array<[() => unknown, RegExp]> = [
      [() => readSigningKeyFile("EVENT_SIGNING_KEY_FILE", undefined), /EVENT_SIGNING_KEY_FILE must name/],
      [() => readSigningKeyFile("EVENT_SIGNING_KEY_FILE", join(dir, "absent.pem")), /EVENT_SIGNING_KEY_FILE must name a readable/],
      [() => readSigningKeyFile("EVENT_SIGNING_KEY_FILE", publicPem), /EVENT_SIGNING_KEY_FILE/],
      [() => readVerifyKeyFiles("ORDER_EVENT_KEY_FILES", "order", ""), /ORDER_EVENT_KEY_FILES must name/],
      [
        () => readVerifyKeyFiles("ORDER_EVENT_KEY_FILES", "order", `${publicPem},${rsa}`),
        /ORDER_EVENT_KEY_FILES .*rsa.pem.*not an Ed25519 key/,
      ],
    ];
    for (const [read, message] of cases) {
      assert.throws(read, (error: unknown) => error instanceof ConfigError && message.test(error.message));
    }
  });
});

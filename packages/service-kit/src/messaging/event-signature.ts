import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "../config/env-config.js";

// Events are signed by the one service that may produce them (Ed25519, node:crypto) and
// verified by every consumer before it acts, so a message is trusted for what it says only
// when its producer's key made it. NATS permissions are the first line of defence; this is
// the second, and the one that holds when a credential leaks or a subject is misconfigured.
//
// What is signed: a fixed context string, the subject and the payload bytes. The subject is
// in it so that a genuine payload cannot be moved to another subject (protobuf decodes many
// byte strings as several message types). Nats-Msg-Id is not: replays and republishes under a
// new id (invoicectl, the reconciler) stay verifiable, and the consumers are idempotent.
//
// The header is `<key id>.<base64url signature>`; the key id (the first 16 hex digits of the
// SHA-256 of the public key's SPKI form) lets a consumer hold the old and the new key during
// a rotation.

export const SIGNATURE_HEADER = "Event-Signature";
const CONTEXT = "invoicing-event/v1";

/** Signs events with one private key; the producer's half. */
export interface EventSigner {
  readonly keyId: string;
  /** The value of the Event-Signature header for this subject and payload. */
  sign(subject: string, payload: Uint8Array): string;
}

/** Why a message cannot be trusted, or undefined when its producer's key signed it. */
export interface EventVerifier {
  problem(subject: string, payload: Uint8Array, header: string | undefined): string | undefined;
}

const signedBytes = (subject: string, payload: Uint8Array) => Buffer.concat([Buffer.from(`${CONTEXT}\0${subject}\0`), payload]);

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);
}

export function eventSigner(privateKey: KeyObject): EventSigner {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("event signing key must be Ed25519");
  const keyId = keyIdOf(createPublicKey(privateKey));
  return {
    keyId,
    sign: (subject, payload) => `${keyId}.${sign(null, signedBytes(subject, payload), privateKey).toString("base64url")}`,
  };
}

/** Trusts what any of `publicKeys` signed (more than one only while a key is rotated). */
export function eventVerifier(producer: string, publicKeys: readonly KeyObject[]): EventVerifier {
  const byId = new Map(publicKeys.map((key) => [keyIdOf(key), key]));
  return {
    problem(subject, payload, header) {
      if (!header) return `no ${SIGNATURE_HEADER} header`;
      const dot = header.indexOf(".");
      const keyId = header.slice(0, dot);
      const key = dot > 0 ? byId.get(keyId) : undefined;
      if (!key) return `signed with key "${keyId.slice(0, 32)}", which is not a ${producer} key`;
      const signature = Buffer.from(header.slice(dot + 1), "base64url");
      if (signature.length !== 64 || !verify(null, signedBytes(subject, payload), key, signature)) {
        return `${SIGNATURE_HEADER} does not match the message: altered, or not signed by ${producer}`;
      }
      return undefined;
    },
  };
}

/** A PKCS#8 PEM Ed25519 private key file, e.g. `openssl genpkey -algorithm ed25519`; a bad one is a ConfigError. */
export function readSigningKeyFile(variable: string, path: string | undefined): EventSigner {
  if (!path) throw new ConfigError(variable, "must name the PEM file of this service's Ed25519 event signing key");
  try {
    return eventSigner(createPrivateKey(readFileSync(path)));
  } catch (error) {
    throw new ConfigError(variable, `must name a readable Ed25519 private key in PEM: ${path}: ${String(error)}`);
  }
}

/** Comma-separated SPKI PEM files of the producer's public keys; a bad one is a ConfigError. */
export function readVerifyKeyFiles(variable: string, producer: string, paths: string | undefined): EventVerifier {
  const files = (paths ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (files.length === 0) throw new ConfigError(variable, `must name the PEM file(s) of the ${producer} service's event public key`);
  const keys = files.map((file) => {
    try {
      const key = createPublicKey(readFileSync(file));
      if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 key");
      return key;
    } catch (error) {
      throw new ConfigError(variable, `must name readable Ed25519 public keys in PEM: ${file}: ${String(error)}`);
    }
  });
  return eventVerifier(producer, keys);
}

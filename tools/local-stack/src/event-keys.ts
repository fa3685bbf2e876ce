import { eventSigner, SIGNATURE_HEADER, type EventSigner } from "@invoicing/service-kit/messaging";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The three event-producing services' Ed25519 key pairs for a local stack, as PEM files in the
// stack's folder (what `openssl genpkey -algorithm ed25519` makes, and a deployment mounts
// from Secrets), and the environment that points each service at its own.

export type EventProducer = "order" | "invoice" | "notifier";

export interface EventKeyFiles {
  privateKey: string;
  publicKey: string;
}

export type StackEventKeys = Record<EventProducer, EventKeyFiles>;

/** Makes the key pairs in `dir`, or keeps the ones there: a restarted stack verifies its old events. */
export function ensureEventKeys(dir: string): StackEventKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = (producer: EventProducer): EventKeyFiles => {
    const privateKey = join(dir, `${producer}-events.key.pem`);
    const publicKey = join(dir, `${producer}-events.pub.pem`);
    if (!existsSync(privateKey) || !existsSync(publicKey)) {
      const pair = generateKeyPairSync("ed25519");
      writeFileSync(privateKey, pair.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      writeFileSync(publicKey, pair.publicKey.export({ type: "spki", format: "pem" }));
    }
    return { privateKey, publicKey };
  };
  return { order: files("order"), invoice: files("invoice"), notifier: files("notifier") };
}

/** Each service's key variables: its own private key, and the public keys of what it consumes. */
export function eventKeyEnv(keys: StackEventKeys) {
  return {
    order: {
      EVENT_SIGNING_KEY_FILE: keys.order.privateKey,
      NOTIFIER_EVENT_KEY_FILES: keys.notifier.publicKey,
      INVOICE_EVENT_KEY_FILES: keys.invoice.publicKey,
    },
    invoice: { EVENT_SIGNING_KEY_FILE: keys.invoice.privateKey, ORDER_EVENT_KEY_FILES: keys.order.publicKey },
    notifier: { EVENT_SIGNING_KEY_FILE: keys.notifier.privateKey, INVOICE_EVENT_KEY_FILES: keys.invoice.publicKey },
  };
}

/** Signs as the producer would: for tests that publish events by hand (forged ones are signed by no one, or by the wrong key). */
export function signerOf(files: EventKeyFiles): EventSigner {
  return eventSigner(createPrivateKey(readFileSync(files.privateKey)));
}

/** Headers carrying `signer`'s Event-Signature for this subject and payload, for a hand-made publish. */
export function signedHeaders(signer: EventSigner, subject: string, payload: Uint8Array): MsgHdrs {
  const hdrs = natsHeaders();
  hdrs.set(SIGNATURE_HEADER, signer.sign(subject, payload));
  return hdrs;
}

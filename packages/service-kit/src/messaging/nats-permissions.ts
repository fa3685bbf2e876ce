import {
  CREDIT_NOTE_CONSUMER,
  DEAD_LETTER_STREAM,
  deadLetterSubject,
  documentFailedSubject,
  FAILURE_REPORTS_CONSUMER,
  INVOICE_CONSUMER,
  INVOICES_STREAM,
  NOTIFIER_CONSUMER,
  PAYMENTS_STREAM,
  RECONCILER_CONSUMER,
} from "./jetstream-topology.js";
import { inboxPrefixOf } from "./nats-connection.js";

// What each NATS user may publish and subscribe to: exactly the subjects and JetStream API
// calls its code makes, derived from the topology so a renamed stream or consumer changes
// both. The local stack writes nats-server's configuration from this, and the deploy checks
// hold the Kubernetes ConfigMap to it. Everything not listed is refused by the server, so a
// service that tries to publish another's events gets a permission error, and a client
// without credentials is not let in at all.

export type NatsUser = "order" | "invoice" | "notifier" | "invoicectl";
export const NATS_USERS: readonly NatsUser[] = ["order", "invoice", "notifier", "invoicectl"];

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

const api = "$JS.API";

/**
 * Create (or bring in line) and read a stream: ensureStreams. Only for a stream the user
 * publishes into: a consumer that could update another's stream could also shrink its limits
 * or its subjects and so delete what the producer stored.
 */
const manageStream = (stream: string) => [
  `${api}.STREAM.CREATE.${stream}`,
  `${api}.STREAM.UPDATE.${stream}`,
  `${api}.STREAM.INFO.${stream}`,
];

/** Read a stream another user produces, to wait for it (awaitStreams); never change it. */
const readStream = (stream: string) => [`${api}.STREAM.INFO.${stream}`];

/** Create, read and pull from one durable, and ack its messages: startConsumerLoop. */
const consumeDurable = (stream: string, durable: string) => [
  `${api}.CONSUMER.CREATE.${stream}.${durable}`,
  `${api}.CONSUMER.CREATE.${stream}.${durable}.>`,
  `${api}.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
  `${api}.CONSUMER.INFO.${stream}.${durable}`,
  `${api}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
  `$JS.ACK.${stream}.${durable}.>`,
];

/** Replies (JetStream acks, API answers, pulled messages) come to the client's own inbox. */
const ownInbox = (user: NatsUser) => [`${inboxPrefixOf(user)}.>`];

export const natsPermissions: Record<NatsUser, NatsPermissions> = {
  order: {
    publish: [
      `${api}.INFO`,
      ...manageStream(PAYMENTS_STREAM),
      // Reconciliation: it learns from the notifier's DocumentDelivered what was delivered,
      // and from DocumentFailed what was given up on.
      ...readStream(INVOICES_STREAM),
      // Its report consumers dead-letter what they cannot read.
      ...manageStream(DEAD_LETTER_STREAM),
      ...consumeDurable(INVOICES_STREAM, RECONCILER_CONSUMER),
      ...consumeDurable(INVOICES_STREAM, FAILURE_REPORTS_CONSUMER),
      "payments.completed.*",
      "payments.refunded.*",
      deadLetterSubject(INVOICES_STREAM, RECONCILER_CONSUMER),
      deadLetterSubject(INVOICES_STREAM, FAILURE_REPORTS_CONSUMER),
    ],
    subscribe: ownInbox("order"),
  },
  invoice: {
    publish: [
      `${api}.INFO`,
      // PAYMENTS is the order service's: the consumers wait for it, however the two start.
      ...readStream(PAYMENTS_STREAM),
      ...manageStream(INVOICES_STREAM),
      ...manageStream(DEAD_LETTER_STREAM),
      ...consumeDurable(PAYMENTS_STREAM, INVOICE_CONSUMER),
      ...consumeDurable(PAYMENTS_STREAM, CREDIT_NOTE_CONSUMER),
      "invoices.generated.*",
      documentFailedSubject("invoice", "*"),
      deadLetterSubject(PAYMENTS_STREAM, INVOICE_CONSUMER),
      deadLetterSubject(PAYMENTS_STREAM, CREDIT_NOTE_CONSUMER),
    ],
    subscribe: ownInbox("invoice"),
  },
  notifier: {
    publish: [
      `${api}.INFO`,
      // It publishes DocumentDelivered into INVOICES, so it is one of that stream's producers.
      ...manageStream(INVOICES_STREAM),
      ...manageStream(DEAD_LETTER_STREAM),
      ...consumeDurable(INVOICES_STREAM, NOTIFIER_CONSUMER),
      "invoices.delivered.*",
      documentFailedSubject("notifier", "*"),
      deadLetterSubject(INVOICES_STREAM, NOTIFIER_CONSUMER),
    ],
    subscribe: ownInbox("notifier"),
  },
  // The operator's CLI: reads and deletes dead letters, and replays them to their original
  // subjects (the replay keeps the producer's signature, so it is still verifiable).
  invoicectl: {
    publish: [
      `${api}.INFO`,
      // Which stream holds a subject now: a replay is refused if it would land elsewhere.
      `${api}.STREAM.NAMES`,
      `${api}.STREAM.INFO.${DEAD_LETTER_STREAM}`,
      `${api}.STREAM.INFO.${PAYMENTS_STREAM}`,
      `${api}.STREAM.INFO.${INVOICES_STREAM}`,
      `${api}.STREAM.MSG.GET.${DEAD_LETTER_STREAM}`,
      `${api}.STREAM.MSG.DELETE.${DEAD_LETTER_STREAM}`,
      "payments.completed.*",
      "payments.refunded.*",
      "invoices.generated.*",
    ],
    subscribe: ownInbox("invoicectl"),
  },
};

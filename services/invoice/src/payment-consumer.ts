import { fromBinary } from "@bufbuild/protobuf";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  PermanentFailure,
  startConsumerLoop,
  type DurableConsumerLoop,
} from "@invoicing/service-kit/durable-consumer";
import { decodeEvent } from "@invoicing/service-kit/event-decoding";
import { PAYMENTS_STREAM } from "@invoicing/service-kit/jetstream-topology";
import type { Logger } from "@invoicing/service-kit/logger";
import type { NatsConnection } from "@nats-io/transport-node";
import type { InvoiceIssuer } from "./invoice-issuer.js";
import { RenderError } from "./render-client.js";

export const INVOICE_CONSUMER = "invoice-generator";

export interface PaymentConsumerOptions {
  maxInFlight: number;
  maxDeliver: number;
  ackWaitMs: number;
}

/** The durable, competing-workers consumer of payments.completed.* that issues invoices. */
export async function startPaymentConsumer(
  nc: NatsConnection,
  issuer: InvoiceIssuer,
  options: PaymentConsumerOptions,
  logger: Logger,
): Promise<DurableConsumerLoop> {
  return startConsumerLoop({
    nc,
    stream: PAYMENTS_STREAM,
    durable: INVOICE_CONSUMER,
    filterSubject: "payments.completed.>",
    backoffMs: [options.ackWaitMs, options.ackWaitMs * 2, options.ackWaitMs * 4],
    maxInFlight: options.maxInFlight,
    maxDeliver: options.maxDeliver,
    ackWaitMs: options.ackWaitMs,
    logger,
    retryDelayMs: (attempt) => Math.min(30_000, 250 * 2 ** (attempt - 1)),
    handle: async (msg) => {
      const event = decodeEvent(PaymentCompletedSchema, msg.data);
      try {
        await issuer.issue(event);
      } catch (error) {
        // The renderer refused the document itself: no retry will change its answer.
        if (error instanceof RenderError && error.permanent) throw new PermanentFailure(error.message);
        throw error;
      }
    },
    onDeadLetter: async (msg, reason) => {
      let paymentId: string | undefined;
      try {
        paymentId = fromBinary(PaymentCompletedSchema, msg.data).paymentId;
      } catch {
        return; // undecodable: no invoice can exist for it
      }
      if (paymentId) await issuer.fail(paymentId, reason);
    },
  });
}

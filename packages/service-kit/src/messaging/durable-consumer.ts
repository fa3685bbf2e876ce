import { jetstream, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { awaitStreams, DEAD_LETTER_STREAM, deadLetterSubject, ensureDurableConsumer, ensureStreams } from "./jetstream-topology.js";
import { setTimeout as sleep } from "node:timers/promises";
import { consumeTraced } from "./message-tracing.js";
import { deadLetterMsgId } from "./dead-letter-id.js";
import { writeDeadLetterHeaders } from "./dead-letter-envelope.js";

const PULL_EXPIRES_MS = 5_000;

/** A message that can never succeed (undecodable, invalid): dead-lettered, never retried. */
export class PermanentFailure extends Error {
  override name = "PermanentFailure";
}

/** Transient, with a known time to try again (a claim that runs until then): nak'd with that delay. */
export class RetryLater extends Error {
  override name = "RetryLater";
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
  }
}

export interface DurableConsumerLoop {
  /** Stops pulling, waits for the messages in hand to finish. */
  stop(): Promise<void>;
}

export interface ConsumerLoopOptions {
  nc: NatsConnection;
  stream: string;
  durable: string;
  filterSubject: string;
  /** Server redelivery delays after ack timeouts; applied only where safe (see backoffIsSafe). */
  backoffMs: readonly number[];
  maxInFlight: number;
  /** The consumer's ack wait: `working()` is sent well within it while a handler runs. */
  ackWaitMs: number;
  logger: Logger;
  /**
   * Delay before the next attempt after a transient failure on attempt `n` (1-based); capped
   * by the caller. There is no attempt limit: a renderer, store or disk down for half an hour
   * delays documents and never fails them. Only a PermanentFailure is dead-lettered.
   */
  retryDelayMs: (attempt: number) => number;
  /** Does the work and makes it durable; the loop acks only after it resolves. */
  handle: (msg: JsMsg) => Promise<void>;
  /**
   * Called when a message is dead-lettered, e.g. to mark its invoice FAILED, with the
   * PermanentFailure that sent it there. A throw leaves the message to be redelivered.
   */
  onDeadLetter?: (msg: JsMsg, reason: string, failure: PermanentFailure) => Promise<void>;
  /** num_replicas for the stream and DEAD_LETTERS when the loop has to create them again. */
  replicas?: number;
  /**
   * Whether this service publishes into `stream` too, and so may create it again when it is
   * lost. False: the loop waits for the stream's producer to create it (a consumer has no
   * permission to), then creates its durable.
   */
  producesStream: boolean;
  /**
   * False while the durable (or its stream) is gone and being created again, true once it
   * consumes again: for health, so a worker that cannot consume does not look healthy.
   */
  onConsuming?: (consuming: boolean) => void;
}

/**
 * Ensures the durable consumer, then pulls from it with at most `maxInFlight` messages in work. Ack after
 * success; nak with delay on a transient failure, however often; dead-letter and term on a
 * permanent one. One bad message never stops the loop.
 */
export async function startConsumerLoop(options: ConsumerLoopOptions): Promise<DurableConsumerLoop> {
  const { nc, stream, durable, logger } = options;
  let stopping = false;
  // Created (or brought in line) here, from the same limits the loop enforces, so the
  // server's ack wait and delivery count can never disagree with the loop's.
  const ensureConsumer = () =>
    ensureDurableConsumer(nc, {
      stream,
      durable,
      filterSubject: options.filterSubject,
      ackWaitMs: options.ackWaitMs,
      backoffMs: options.backoffMs,
    });
  await ensureConsumer();
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, durable);
  // Pull requests expire after 5 s (nats.js's default is 30 s): a durable created again after
  // it was lost is asked for messages within seconds, not half a minute later.
  const messages = await consumer.consume({ max_messages: options.maxInFlight, expires: PULL_EXPIRES_MS });
  const recreate = recreation({ ...options, ensureConsumer, isStopping: () => stopping });
  void (async () => {
    // A durable (or its stream) deleted under a running worker: nats.js keeps pulling, but
    // nothing comes until it exists again. Create both again, as at start, and say so.
    for await (const status of messages.status()) {
      if (status.type === "consumer_deleted" || status.type === "consumer_not_found" || status.type === "stream_not_found") {
        logger.warn({ stream, durable, status: status.type }, "durable consumer gone; creating it again");
        void recreate();
      }
    }
  })();
  const inFlight = new Set<Promise<void>>();

  const deadLetter = async (msg: JsMsg, why: string, failure: PermanentFailure) => {
    const attempt = msg.info.deliveryCount;
    try {
      await publishDeadLetter(options, msg, why);
      await options.onDeadLetter?.(msg, why, failure);
      logger.error({ subject: msg.subject, attempt, reason: why }, "message dead-lettered");
      // No reason on the wire: nats-server 2.9 ignores "+TERM <reason>" and redelivers.
      msg.term();
    } catch (deadLetterError) {
      // Not recorded anywhere yet, so it must not be dropped: let the server redeliver, and
      // make sure DEAD_LETTERS exists for that attempt (it may have been lost with the store).
      logger.error({ err: deadLetterError, subject: msg.subject }, "dead-lettering failed");
      await ensureStreams(nc, [DEAD_LETTER_STREAM], { replicas: options.replicas }).catch(() => undefined);
      msg.nak(options.retryDelayMs(attempt));
    }
  };

  const handleOne = async (msg: JsMsg) => {
    const attempt = msg.info.deliveryCount;
    const keepAlive = setInterval(() => msg.working(), Math.max(250, options.ackWaitMs / 3));
    try {
      await consumeTraced(msg, durable, () => options.handle(msg));
      msg.ack();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentFailure;
      if (!permanent) {
        const delay = error instanceof RetryLater ? Math.max(0, error.afterMs) : options.retryDelayMs(attempt);
        logger.warn({ subject: msg.subject, attempt, delay, reason }, "transient failure, retrying");
        msg.nak(delay);
        return;
      }
      await deadLetter(msg, reason, error);
    } finally {
      clearInterval(keepAlive);
    }
  };

  const loop = (async () => {
    for await (const msg of messages) {
      const work = handleOne(msg).catch((error: unknown) => {
        logger.error({ err: error, subject: msg.subject }, "consumer handler crashed");
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
    }
    if (!stopping) throw new Error("the consume loop ended by itself");
  })();
  // A consumer that stops pulling while the process looks healthy would strand every message:
  // exit instead, and let the supervisor start a fresh process.
  loop.catch((error: unknown) => {
    if (stopping) return;
    logger.fatal({ err: error, stream, durable }, "consumer loop failed");
    process.exit(1);
  });

  return {
    async stop() {
      stopping = true;
      await messages.close();
      await loop.catch(() => undefined);
      await Promise.all(inFlight);
    },
  };
}

/**
 * Creates the stream and the durable again until both exist; one run at a time, however many
 * notifications ask for it.
 */
function recreation(options: ConsumerLoopOptions & { ensureConsumer: () => Promise<void>; isStopping: () => boolean }) {
  let running: Promise<void> | undefined;
  return () => {
    running ??= (async () => {
      options.onConsuming?.(false);
      for (let attempt = 1; !options.isStopping(); attempt++) {
        try {
          const ownStreams = options.producesStream ? [options.stream, DEAD_LETTER_STREAM] : [DEAD_LETTER_STREAM];
          await ensureStreams(options.nc, ownStreams, { replicas: options.replicas });
          if (!options.producesStream) await awaitStreams(options.nc, [options.stream]);
          await options.ensureConsumer();
          options.logger.info({ stream: options.stream, durable: options.durable, attempt }, "durable consumer created again");
          options.onConsuming?.(true);
          return;
        } catch (error) {
          options.logger.warn({ err: error, attempt }, "creating the durable consumer again failed; retrying");
          await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
        }
      }
    })().finally(() => (running = undefined));
    return running;
  };
}

async function publishDeadLetter(options: ConsumerLoopOptions, msg: JsMsg, reason: string) {
  const hdrs = writeDeadLetterHeaders(msg.headers, {
    reason,
    stream: options.stream,
    consumer: options.durable,
    subject: msg.subject,
    sequence: msg.seq,
    attempts: msg.info.deliveryCount,
  });
  const ack = await jetstream(options.nc).publish(deadLetterSubject(options.stream, options.durable), msg.data, {
    headers: hdrs,
    // One dead letter per original message, however often this path runs for it.
    msgID: deadLetterMsgId(options.stream, options.durable, msg.seq, msg.timestampNanos),
  });
  // With an id unique per message, a duplicate can only be this same message dead-lettered
  // before (a crash between publish and term): it is stored, so going on is safe, but say so.
  if (ack.duplicate) {
    options.logger.info({ subject: msg.subject, seq: msg.seq, deadLetterSeq: ack.seq }, "dead letter already stored");
  }
}

import { DEAD_LETTER_STREAM } from "@invoicing/service-kit/messaging";
import {
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamInfo,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { parseDeadLetter, replayHeaders, replayMsgId, type DeadLetter } from "./dead-letter-format.js";

// Reading and replaying the DEAD_LETTERS stream. Each function takes a NatsConnection (or the
// JetStream handles made from one) so tests and the CLI call the same code.

const PUBLISH_TIMEOUT_MS = 10_000;

const isApiError = (error: unknown, code: number) => error instanceof JetStreamApiError && error.code === code;

async function deadLetterStreamInfo(jsm: JetStreamManager): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(DEAD_LETTER_STREAM, { deleted_details: true });
  } catch (error) {
    // No service has started yet, so nothing can have been dead-lettered.
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return undefined;
    throw error;
  }
}

/** Every dead letter DEAD_LETTERS still holds, oldest first. */
export async function listDeadLetters(nc: NatsConnection): Promise<DeadLetter[]> {
  const jsm = await jetstreamManager(nc);
  const info = await deadLetterStreamInfo(jsm);
  if (!info || info.state.messages === 0) return [];
  const deleted = new Set(info.state.deleted ?? []);
  const letters: DeadLetter[] = [];
  let seen = 0;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && seen < info.state.messages; seq++) {
    if (deleted.has(seq)) continue;
    const stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq });
    if (!stored) continue; // replayed meanwhile
    seen++;
    const letter = parseDeadLetter(stored);
    if (letter) letters.push(letter);
  }
  return letters;
}

export type ReadResult = { found: true; letter: DeadLetter } | { found: false; why: "missing" | "not a dead letter" };

/** The dead letter at `seq`, or why there is none. */
export async function readDeadLetter(jsm: JetStreamManager, seq: number): Promise<ReadResult> {
  let stored;
  try {
    stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq });
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return { found: false, why: "missing" };
    throw error;
  }
  if (!stored) return { found: false, why: "missing" };
  const letter = parseDeadLetter(stored);
  return letter ? { found: true, letter } : { found: false, why: "not a dead letter" };
}

/**
 * Publishes the original bytes to the original subject with the original headers (see
 * replayHeaders) under Nats-Msg-Id `replay:DEAD_LETTERS:<seq>`. Resolves with the publish ack:
 * `duplicate` means an earlier replay of this dead letter is already in the stream (within its
 * duplicate window) and nothing was added.
 *
 * No `expect: { streamName }` on the publish: it would be stored as a Nats-Expected-Stream
 * header, and the consumer loop copies headers into a dead letter, so dead-lettering the replay
 * again would be refused by DEAD_LETTERS. replayDeadLetter checks the stream beforehand instead.
 */
export function republishDeadLetter(js: JetStreamClient, letter: DeadLetter): Promise<PubAck> {
  return js.publish(letter.subject, letter.data, {
    msgID: replayMsgId(letter.seq),
    headers: replayHeaders(letter),
    timeout: PUBLISH_TIMEOUT_MS,
  });
}

export type ReplayOutcome =
  | {
      seq: number;
      status: "replayed";
      letter: DeadLetter;
      /** Where the replay is stored, e.g. PAYMENTS seq 17. */
      ack: PubAck;
    }
  | { seq: number; status: "missing" | "not a dead letter" }
  | { seq: number; status: "failed"; error: string; letter?: DeadLetter };

/**
 * Replays one dead letter: republish, wait for JetStream's ack, then delete it from
 * DEAD_LETTERS. A crash between the two leaves the dead letter in place; replaying it again
 * is dropped as a duplicate inside the stream's duplicate window, and beyond it the consumers
 * are idempotent. Never throws: the outcome says what happened.
 */
export async function replayDeadLetter(
  nc: NatsConnection,
  seq: number,
  handles?: { jsm: JetStreamManager; js: JetStreamClient },
): Promise<ReplayOutcome> {
  const jsm = handles?.jsm ?? (await jetstreamManager(nc));
  const js = handles?.js ?? jetstream(nc);
  let letter: DeadLetter | undefined;
  try {
    const read = await readDeadLetter(jsm, seq);
    if (!read.found) return { seq, status: read.why };
    letter = read.letter;
    // Only into the stream (and so to the consumers) the message came from.
    const storedBy = await jsm.streams.find(letter.subject).catch(() => undefined);
    if (storedBy !== letter.stream) {
      throw new Error(`${letter.subject} is stored by ${storedBy ?? "no stream"} now, not ${letter.stream}: not replayed`);
    }
    const ack = await republishDeadLetter(js, letter);
    try {
      await jsm.streams.deleteMessage(DEAD_LETTER_STREAM, seq);
    } catch (error) {
      // Another replay deleted it meanwhile (the server then says "no message found" or, past
      // the last sequence, "stream store EOF"): it is gone either way, which is what we want.
      const stillThere = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq }).catch(() => "unknown");
      if (stillThere !== null) {
        throw new Error(`republished as ${ack.stream}:${ack.seq} but not deleted from ${DEAD_LETTER_STREAM}: ${errorText(error)}`);
      }
    }
    return { seq, status: "replayed", letter, ack };
  } catch (error) {
    return { seq, status: "failed", error: errorText(error), ...(letter ? { letter } : {}) };
  }
}

/**
 * Replays the given dead letters, or every one held (`"all"`), one at a time in sequence
 * order, reporting each outcome as it happens.
 */
export async function replayDeadLetters(
  nc: NatsConnection,
  which: readonly number[] | "all",
  onOutcome: (outcome: ReplayOutcome) => void = () => undefined,
): Promise<ReplayOutcome[]> {
  const seqs = which === "all" ? (await listDeadLetters(nc)).map((l) => l.seq) : [...new Set(which)];
  const handles = { jsm: await jetstreamManager(nc), js: jetstream(nc) };
  const outcomes: ReplayOutcome[] = [];
  for (const seq of seqs) {
    const outcome = await replayDeadLetter(nc, seq, handles);
    onOutcome(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The Nats-Msg-Id of the dead letter for one delivered message. The stream sequence alone is
 * not enough: a stream created again after it was lost numbers from 1 again, so a new message
 * would share the id of an older dead letter still inside DEAD_LETTERS' duplicate window and be
 * dropped as a duplicate. The message's stored timestamp tells the two apart, while a repeat
 * of the dead-letter path for the same message (a crash between publish and term) keeps the
 * same id and is deduplicated. The durable is part of it because several consumers may give up
 * on the same message.
 */
export function deadLetterMsgId(stream: string, durable: string, seq: number, timestampNanos: bigint): string {
  return `${stream}:${durable}:${seq}:${timestampNanos}`;
}

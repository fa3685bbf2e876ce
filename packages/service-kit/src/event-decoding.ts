import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { PermanentFailure } from "./durable-consumer.js";

/** Decodes an event's protobuf payload; bytes that are not one are a permanent failure. */
export function decodeEvent<Desc extends DescMessage>(schema: Desc, data: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, data);
  } catch (error) {
    throw new PermanentFailure(`undecodable ${schema.name}: ${String(error)}`);
  }
}

import { createHash } from "node:crypto";

/** The chunks of a stored PDF if they hash to `sha256`, else undefined. */
export async function readVerified(chunks: AsyncIterable<Uint8Array>, sha256: string): Promise<Uint8Array[] | undefined> {
  const hash = createHash("sha256");
  const read: Uint8Array[] = [];
  for await (const chunk of chunks) {
    hash.update(chunk);
    read.push(chunk);
  }
  return hash.digest("hex") === sha256 ? read : undefined;
}

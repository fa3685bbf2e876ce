import { gzipSync } from "node:zlib";

const MEMBER_BYTES = 64 * 1024 * 1024;

/**
 * A gzip body of about 1 MiB that inflates to `inflatedBytes` (1 GiB by default): a protobuf
 * message whose field `fieldNumber` is a string of that many zero bytes. Built from
 * concatenated gzip members of 64 MiB of zeros each (gunzip reads them as one stream), so the
 * test never holds the inflated gigabyte itself.
 */
export function gzipBomb(fieldNumber: number, inflatedBytes = 1024 * 1024 * 1024): Buffer {
  const members = Math.ceil(inflatedBytes / MEMBER_BYTES);
  const total = members * MEMBER_BYTES;
  // The tag and length come first and the string fills the rest: one whole, valid field.
  const tagFor = (length: number) => Buffer.from([(fieldNumber << 3) | 2, ...varint(length)]);
  let tag = tagFor(total);
  tag = tagFor(total - tag.length);
  const zeros = gzipSync(Buffer.alloc(MEMBER_BYTES), { level: 9 });
  const first = gzipSync(Buffer.concat([tag, Buffer.alloc(MEMBER_BYTES - tag.length)]), { level: 9 });
  return Buffer.concat([first, ...Array.from({ length: members - 1 }, () => zeros)]);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (let rest = value; ; rest = Math.floor(rest / 128)) {
    if (rest < 128) return [...bytes, rest];
    bytes.push((rest % 128) | 128);
  }
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidPageTokenError } from "../issuing/invoice-store.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("page tokens", () => {
  it("read back the position they were written from", () => {
    const position = { issuedAtMs: 1_764_000_000_123, invoiceId: "inv_0af7" };
    assert.deepEqual(decodePageToken(encodePageToken(position)), position);
  });

  it("refuse anything this service did not write, naming page_token", () => {
    const written = encodePageToken({ issuedAtMs: 1_764_000_000_123, invoiceId: "inv_0af7" });
    for (const altered of [
      "not a token",
      written.slice(0, -3),
      token({ issuedAtMs: 1, invoiceId: "inv_1" }),
      token(["inv_1", 1]),
      token([1.5, "inv_1"]),
      "WzFlNDAwLCJpbnZfMSJd", // [1e400,"inv_1"]: Infinity once parsed
      token([1, ""]),
      token(null),
      token(7),
    ]) {
      assert.throws(
        () => decodePageToken(altered),
        (error: unknown) => {
          assert.ok(error instanceof InvalidPageTokenError, `${altered}: got ${String(error)}`);
          assert.match(error.message, /^page_token: /);
          return true;
        },
      );
    }
  });
});

import { status } from "@grpc/grpc-js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRefusal } from "./render-verdict.js";

describe("isRefusal", () => {
  it("takes the document's own faults as final", () => {
    assert.equal(isRefusal(status.INVALID_ARGUMENT, "html: larger than RENDER_MAX_HTML_KB"), true);
    assert.equal(isRefusal(status.FAILED_PRECONDITION, "page refused"), true);
    for (const limit of ["readMaxBytes", "RENDER_MAX_PAGES", "RENDER_PAGE_MEMORY_MB"]) {
      assert.equal(isRefusal(status.RESOURCE_EXHAUSTED, `document exceeds ${limit}`), true, limit);
    }
  });

  it("takes a full or missing renderer as worth another attempt", () => {
    assert.equal(isRefusal(status.RESOURCE_EXHAUSTED, "render queue full (64 waiting)"), false);
    assert.equal(isRefusal(status.RESOURCE_EXHAUSTED, "RENDER_MEMORY_LIMIT_MB reached"), false);
    for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.UNKNOWN, status.CANCELLED]) {
      assert.equal(isRefusal(code, "connection dropped"), false, status[code]);
    }
  });
});

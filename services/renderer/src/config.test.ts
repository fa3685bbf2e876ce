import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readConfig } from "./config.js";

const MiB = 2 ** 20;

describe("renderer configuration: render limits", () => {
  it("has defaults that fit the 2 Gi pod", () => {
    const config = readConfig({});
    assert.equal(config.maxHtmlBytes, 2048 * 1024);
    assert.equal(config.maxPages, 250);
    assert.equal(config.renderMemoryBytes, 512 * MiB);
    assert.equal(config.memoryLimitBytes, 1536 * MiB);
    assert.ok(config.memoryLimitBytes < 2048 * MiB);
  });

  it("reads each limit from its variable", () => {
    const config = readConfig({
      RENDER_MAX_HTML_KB: "512",
      RENDER_MAX_PAGES: "20",
      RENDER_PAGE_MEMORY_MB: "256",
      RENDER_MEMORY_LIMIT_MB: "0",
    });
    assert.deepEqual(
      [config.maxHtmlBytes, config.maxPages, config.renderMemoryBytes, config.memoryLimitBytes],
      [512 * 1024, 20, 256 * MiB, 0],
    );
  });

  for (const [env, message] of [
    [{ RENDER_MAX_PAGES: "0" }, /RENDER_MAX_PAGES must be at least 1, got 0/],
    [{ RENDER_MAX_HTML_KB: "2MB" }, /RENDER_MAX_HTML_KB must be a whole number, got "2MB"/],
    [{ RENDER_PAGE_MEMORY_MB: "16" }, /RENDER_PAGE_MEMORY_MB must be 0 \(no bound\) or at least 64, got 16/],
    [{ RENDER_MEMORY_LIMIT_MB: "32", RENDER_PAGE_MEMORY_MB: "0" }, /RENDER_MEMORY_LIMIT_MB must be 0 \(no bound\) or at least 64, got 32/],
    [
      { RENDER_PAGE_MEMORY_MB: "2048", RENDER_MEMORY_LIMIT_MB: "1536" },
      /RENDER_PAGE_MEMORY_MB must be below RENDER_MEMORY_LIMIT_MB \(1536\), got 2048/,
    ],
  ] as const) {
    it(`refuses ${JSON.stringify(env)}, naming the variable`, () => {
      assert.throws(() => readConfig(env), message);
    });
  }
});

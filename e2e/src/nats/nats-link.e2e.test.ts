import { freeLoopbackPort } from "@invoicing/local-stack/free-port";
import { startNatsServer } from "@invoicing/local-stack/nats-server-process";
import { linkNats } from "@invoicing/service-kit/messaging";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import { Registry } from "prom-client";

// service-kit's linkNats against a real nats-server that comes up late, on the port the link
// has been trying. Without authorization: the link, not the permissions, is under test.

describe("linkNats while NATS cannot be reached", { timeout: 30_000 }, () => {
  it("warns again and again and shows nats_linked 0 until NATS is there, then stops warning", async () => {
    const lines: Array<{ msg: string; unlinked_ms?: number }> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const registry = new Registry();
    // Nothing listens there yet: connecting is refused, as with NATS down.
    const port = await freeLoopbackPort();
    const link = linkNats({
      servers: `nats://127.0.0.1:${port}`,
      name: "link-test",
      logger: pino({ level: "warn" }, sink),
      registry,
      warnEveryMs: 100,
      work: async () => ({ stop: async () => undefined }),
    });
    await new Promise((resolve) => setTimeout(resolve, 550));
    const warnings = () => lines.filter((l) => l.msg === "NATS not linked yet; serving without it");
    assert.ok(warnings().length >= 3, `${warnings().length} warnings in 550 ms, one each 100 ms expected`);
    assert.ok(warnings().at(-1)!.unlinked_ms! >= 400);
    assert.equal(link.linked, false);
    assert.match(await registry.metrics(), /^nats_linked 0$/m);

    // NATS comes up on that port: the link is made, the warnings stop, the gauge says so.
    const dir = mkdtempSync(join(tmpdir(), "nats-link-"));
    const nats = await startNatsServer(dir, port, undefined, { authorization: false });
    try {
      for (const deadline = Date.now() + 10_000; !link.linked && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
      assert.equal(link.linked, true);
      assert.match(await registry.metrics(), /^nats_linked 1$/m);
      const afterLink = warnings().length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(warnings().length, afterLink, "no warning once linked");
      await link.stop();
    } finally {
      await nats.stop("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

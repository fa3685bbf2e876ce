import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import { Registry } from "prom-client";
import { linkNats } from "./nats-link.js";

/** A loopback port nothing listens on: connecting to it is refused, as with NATS down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const natsBinary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].find(existsSync) ?? "nats-server";

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
    const port = await closedPort();
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
    const nats = spawn(natsBinary, ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    try {
      for (const deadline = Date.now() + 10_000; !link.linked && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
      assert.equal(link.linked, true);
      assert.match(await registry.metrics(), /^nats_linked 1$/m);
      const afterLink = warnings().length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(warnings().length, afterLink, "no warning once linked");
      await link.stop();
    } finally {
      nats.kill("SIGKILL");
    }
  });
});

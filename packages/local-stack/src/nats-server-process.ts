import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface NatsServerProcess {
  url: string;
  port: number;
  storeDir: string;
  process: ChildProcess;
  /** SIGTERM (or SIGKILL) and wait for exit; the store stays on disk for a restart. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts nats-server again on the same port with the same store (streams, consumers and
   * their messages survive), stopping this one first if it still runs. Clients configured
   * with the one URL reconnect to it by themselves.
   */
  restart(): Promise<NatsServerProcess>;
}

/**
 * Starts Debian's nats-server with JetStream on a free loopback port (port -1, learned from
 * the ports file), its store in `dir`. Isolated from any system NATS at 4222.
 */
export async function startNatsServer(dir: string, port = -1): Promise<NatsServerProcess> {
  mkdirSync(dir, { recursive: true });
  const storeDir = join(dir, "jetstream");
  const portsDir = join(dir, "ports");
  mkdirSync(portsDir, { recursive: true });
  const configPath = join(dir, "nats.conf");
  writeFileSync(
    configPath,
    [
      `listen: "127.0.0.1:${port}"`,
      `ports_file_dir: "${portsDir}"`,
      `jetstream { store_dir: "${storeDir}" }`,
    ].join("\n"),
  );
  const binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].find(existsSync) ?? "nats-server";
  const child = spawn(binary, ["-c", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const portsFile = join(portsDir, `${binary.split("/").pop()}_${child.pid}.ports`);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited: ${stderr}`);
    const found = existsSync(portsFile) ? portsFile : readdirSync(portsDir).map((f) => join(portsDir, f)).find((f) => f.includes(`_${child.pid}.`));
    if (found) {
      const { nats } = JSON.parse(readFileSync(found, "utf8")) as { nats: string[] };
      const url = nats[0]!;
      const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      };
      const boundPort = Number(new URL(url).port);
      return {
        url,
        port: boundPort,
        storeDir,
        process: child,
        stop,
        async restart() {
          await stop();
          return startNatsServer(dir, boundPort);
        },
      };
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nats-server did not report its port: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

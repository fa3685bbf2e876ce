import { NATS_USERS } from "@invoicing/service-kit/messaging";
import { inboxPrefixOf } from "@invoicing/service-kit/messaging";
import { connect, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { natsEnv, newStackCredentials, renderAuthorization, type StackCredentials, type StackUser } from "./nats-authorization.js";

/**
 * The largest message a client may publish, as deploy/k8s's nats.conf sets it: the largest
 * PaymentCompleted order validation accepts is about 0.76 MB (order-validation.test.ts).
 */
export const NATS_MAX_PAYLOAD = "1048576";

export interface NatsServerProcess {
  url: string;
  port: number;
  storeDir: string;
  /** nats-server.log in the folder: permission violations and refused connections are there. */
  logFile: string;
  process: ChildProcess;
  /** Every user's credentials; no client gets in without one. */
  credentials: StackCredentials;
  /** NATS_URL, NATS_USER and NATS_PASSWORD for a service (or invoicectl) connecting as `user`. */
  envFor(user: StackUser): Record<string, string>;
  /** A connection as `user` (default: harness, which may do anything), with that user's inbox prefix. */
  connect(user?: StackUser, options?: Partial<ConnectionOptions>): Promise<NatsConnection>;
  /** SIGTERM (or SIGKILL) and wait for exit; the store stays on disk for a restart. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts nats-server again on the same port with the same store (streams, consumers and
   * their messages survive), stopping this one first if it still runs. Clients configured
   * with the one URL reconnect to it by themselves.
   */
  restart(): Promise<NatsServerProcess>;
}

export interface NatsServerOptions {
  /**
   * false: any client may connect without credentials. Only for tests of a NATS client's own
   * behaviour (topology, reconnects), where the permissions are beside the point.
   */
  authorization?: boolean;
  /** Routes this server into a cluster (see startNatsCluster). */
  cluster?: { name: string; serverName: string; routePort: number; routePorts: readonly number[] };
}

/**
 * Starts Debian's nats-server with JetStream on a free loopback port (port -1, learned from
 * the ports file), its store in `dir`. Isolated from any system NATS at 4222. Authorization is
 * on as deployed: each service's user has its least-privilege permissions (nats-permissions.ts).
 */
export async function startNatsServer(
  dir: string,
  port = -1,
  credentials: StackCredentials = newStackCredentials(),
  options: NatsServerOptions = {},
): Promise<NatsServerProcess> {
  mkdirSync(dir, { recursive: true });
  const storeDir = join(dir, "jetstream");
  const portsDir = join(dir, "ports");
  mkdirSync(portsDir, { recursive: true });
  const configPath = join(dir, "nats.conf");
  const logFile = join(dir, "nats-server.log");
  writeFileSync(
    configPath,
    [
      `listen: "127.0.0.1:${port}"`,
      `ports_file_dir: "${portsDir}"`,
      `log_file: "${logFile}"`,
      `max_payload: ${NATS_MAX_PAYLOAD}`,
      `jetstream { store_dir: "${storeDir}" }`,
      ...(options.cluster ? clusterConfig(options.cluster) : []),
      options.authorization === false ? "" : renderAuthorization([...NATS_USERS, "harness"], (user) => credentials[user].password),
    ].join("\n"),
    { mode: 0o600 },
  );
  const binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].find(existsSync) ?? "nats-server";
  const child = spawn(binary, ["-c", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const portsFile = join(portsDir, `${binary.split("/").pop()}_${child.pid}.ports`);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited: ${stderr}${logTail(logFile)}`);
    const found = existsSync(portsFile)
      ? portsFile
      : readdirSync(portsDir)
          .map((f) => join(portsDir, f))
          .find((f) => f.includes(`_${child.pid}.`));
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
        logFile,
        process: child,
        credentials,
        envFor: (user) => ({ NATS_URL: url, ...natsEnv(credentials[user]) }),
        connect: (user = "harness", connectOptions = {}) =>
          connect({
            servers: url,
            ...(options.authorization === false ? {} : { user: credentials[user].user, pass: credentials[user].password }),
            inboxPrefix: inboxPrefixOf(user),
            ...connectOptions,
          }),
        stop,
        async restart() {
          await stop();
          return startNatsServer(dir, boundPort, credentials, options);
        },
      };
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nats-server did not report its port: ${stderr}${logTail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function clusterConfig(cluster: NonNullable<NatsServerOptions["cluster"]>): string[] {
  const routes = cluster.routePorts.map((p) => `"nats://127.0.0.1:${p}"`).join(", ");
  return [
    `server_name: ${cluster.serverName}`,
    `cluster { name: ${cluster.name}, listen: "127.0.0.1:${cluster.routePort}", routes: [${routes}] }`,
  ];
}

const logTail = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").slice(-4000) : "");

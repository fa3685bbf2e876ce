import { NATS_USERS, natsPermissions, type NatsUser } from "@invoicing/service-kit/messaging";
import type { NatsCredentials } from "@invoicing/service-kit/config";
import { randomBytes } from "node:crypto";

// nats-server's `authorization` block: one user per service with the permissions of
// nats-permissions.ts, the operator's invoicectl, and for the local stack alone a `harness`
// user that may do anything (tests and the chaos harness inspect streams and inject faults;
// deployments have no such user). The deploy checks render the same block to hold the
// Kubernetes configuration to it.

export type StackUser = NatsUser | "harness";

/** Where each user's password comes from: a literal (local stack) or `$VAR` (Kubernetes, from a Secret). */
export type PasswordOf = (user: StackUser) => string;

const quoted = (s: string) => JSON.stringify(s);
const list = (items: readonly string[]) => `[${items.map(quoted).join(", ")}]`;

export function renderAuthorization(users: readonly StackUser[], password: PasswordOf): string {
  const entries = users.map((user) => {
    const secret = password(user);
    // A $VAR is left unquoted: nats-server substitutes environment variables only there.
    const pass = secret.startsWith("$") ? secret : quoted(secret);
    if (user === "harness") return `    { user: "harness", password: ${pass} }`;
    const { publish, subscribe } = natsPermissions[user];
    return [
      `    { user: ${quoted(user)}, password: ${pass}, permissions: {`,
      `        publish: { allow: ${list(publish)} }`,
      `        subscribe: { allow: ${list(subscribe)} }`,
      `    } }`,
    ].join("\n");
  });
  return ["authorization {", "  users: [", entries.join("\n"), "  ]", "}"].join("\n");
}

/**
 * How a deployment refers to a user's password: an environment variable of the nats-server
 * container, set from the nats-credentials Secret (`ORDER_NATS_PASSWORD`).
 */
export const passwordVariable = (user: StackUser) => `${user.toUpperCase()}_NATS_PASSWORD`;

/** The block deploy/k8s's nats.conf files hold, passwords from the environment: the services and invoicectl, no harness. */
export const deployedAuthorization = () => renderAuthorization(NATS_USERS, (user) => `$${passwordVariable(user)}`);

export type StackCredentials = Record<StackUser, NatsCredentials>;

/** Fresh random passwords for every user of a local stack. */
export function newStackCredentials(): StackCredentials {
  const users: StackUser[] = [...NATS_USERS, "harness"];
  return Object.fromEntries(users.map((user) => [user, { user, password: randomBytes(18).toString("base64url") }])) as StackCredentials;
}

/** The environment a process needs to connect as `user` (services read NATS_USER, NATS_PASSWORD). */
export const natsEnv = (credentials: NatsCredentials): Record<string, string> => ({
  NATS_USER: credentials.user,
  NATS_PASSWORD: credentials.password,
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEnvContract } from "./env-contract.js";
import { checkNatsAuthorization } from "./nats-authorization.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: nats-server's users are nats-permissions.ts's, each service connects as its own`, () => {
    assert.deepEqual(checkNatsAuthorization(rendered(overlay)), []);
  });
}

test("a permission widened by hand in nats.conf fails the check", () => {
  const objects = renderedWith("prod", "ConfigMap", "nats-config", (map) => {
    map.data["nats.conf"] = map.data["nats.conf"].replace('"invoices.delivered.*"', '"invoices.>"');
  });
  const [problem, ...rest] = checkNatsAuthorization(objects);
  assert.match(problem!, /^ConfigMap nats-config-\w+: nats.conf's authorization block differs/);
  assert.deepEqual(rest, []);
});

test("a service connecting as another user, or with another user's password, fails the check", () => {
  const objects = renderedWith("dev", "Deployment", "notifier", (d) => {
    const env = d.spec.template.spec.containers[0].env;
    env.find((e: { name: string }) => e.name === "NATS_USER").value = "invoice";
    env.find((e: { name: string }) => e.name === "NATS_PASSWORD").valueFrom.secretKeyRef.key = "invoice-password";
  });
  assert.deepEqual(checkNatsAuthorization(objects), [
    "Deployment invoicing-dev/notifier container notifier: NATS_USER is \"invoice\", but the notifier service's permissions are user notifier's",
    "Deployment invoicing-dev/notifier container notifier: NATS_PASSWORD must come from Secret nats-credentials key notifier-password, the one nats-server checks notifier against",
  ]);
});

test("nats-server without a user's password from the Secret fails the check", () => {
  const objects = renderedWith("dev", "StatefulSet", "nats", (set) => {
    const env = set.spec.template.spec.containers[0].env;
    set.spec.template.spec.containers[0].env = env.filter((e: { name: string }) => e.name !== "INVOICECTL_NATS_PASSWORD");
  });
  assert.deepEqual(checkNatsAuthorization(objects), [
    "StatefulSet invoicing-dev/nats container nats: INVOICECTL_NATS_PASSWORD must come from Secret nats-credentials key invoicectl-password (nats.conf reads it)",
  ]);
});

test("a key file its volume does not project fails the check, naming the variable and the volume", () => {
  const objects = renderedWith("prod", "Deployment", "invoice", (d) => {
    const volume = d.spec.template.spec.volumes.find((v: { name: string }) => v.name === "event-public-keys");
    volume.secret.items = [{ key: "invoice-events.pub.pem", path: "invoice-events.pub.pem" }];
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing/invoice container invoice: ORDER_EVENT_KEY_FILES=/etc/invoicing/event-public-keys/order-events.pub.pem: volume event-public-keys (Secret event-public-keys) projects only invoice-events.pub.pem",
  ]);
});

test("a key file under no mount fails the check", () => {
  const objects = renderedWith("dev", "Deployment", "order", (d) => {
    d.spec.template.spec.containers[0].volumeMounts = d.spec.template.spec.containers[0].volumeMounts.filter(
      (m: { name: string }) => m.name !== "event-signing-key",
    );
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing-dev/order container order: EVENT_SIGNING_KEY_FILE=/etc/invoicing/event-keys/order-events.key.pem: under no volumeMount of the container",
  ]);
});

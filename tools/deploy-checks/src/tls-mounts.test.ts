import assert from "node:assert/strict";
import { test } from "node:test";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";
import { checkTlsMounts } from "./tls-mounts.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: every TLS file is a mounted cert-manager key, one issuer, and every call presents a name its callee accepts`, () => {
    assert.deepEqual(checkTlsMounts(rendered(overlay)), []);
  });
}

test("prod turns TLS on for every service, each with its own certificate", () => {
  const configs = rendered("prod").filter(
    (o) => o.kind === "ConfigMap" && /^(order|invoice|renderer|notifier)-config-/.test(o.metadata.name),
  );
  assert.equal(configs.length, 4);
  for (const map of configs) {
    assert.equal((map as { data?: Record<string, string> }).data?.["TLS_CERT_FILE"], "/etc/invoicing/tls/tls.crt", map.metadata.name);
  }
});

test("a TLS file outside every mount, or reading the wrong key, fails the check", () => {
  let objects = renderedWith("prod", "ConfigMap", "invoice-config", (map) => {
    map.data.TLS_KEY_FILE = "/etc/invoicing/tls/tls.crt";
    map.data.TLS_CA_FILE = "/etc/ssl/ca.crt";
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "Deployment invoicing/invoice container invoice TLS_KEY_FILE=/etc/invoicing/tls/tls.crt reads key tls.crt of Secret invoice-tls; cert-manager writes it as tls.key",
    "Deployment invoicing/invoice container invoice TLS_CA_FILE=/etc/ssl/ca.crt is in no volume mounted into the container: the service would stop at start",
  ]);
  objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    d.spec.template.spec.volumes.find((v: { name: string }) => v.name === "tls").secret.secretName = "renderer-certs";
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "Deployment invoicing/renderer container renderer mounts Secret renderer-certs for TLS, which no Certificate in these manifests writes",
  ]);
});

test("a renderer that accepts another identity than the invoice service's certificate fails the check", () => {
  const objects = renderedWith("prod", "ConfigMap", "renderer-config", (map) => {
    map.data.TLS_CLIENT_NAMES = "invoicing";
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "invoice → renderer: the renderer service accepts invoicing (TLS_CLIENT_NAMES), but Certificate invoicing/invoice-tls, which the invoice service presents, names invoice, invoice.invoicing.svc.cluster.local",
  ]);
});

test("a renderer certificate without the host name the invoice service dials fails the check", () => {
  const objects = renderedWith("prod", "Certificate", "renderer-tls", (certificate) => {
    certificate.spec.dnsNames = ["renderer"];
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "invoice → renderer: the invoice service dials renderer-headless.invoicing.svc.cluster.local (RENDERER_TARGET), which Certificate invoicing/renderer-tls does not name (renderer): it would refuse the renderer service's certificate",
  ]);
});

test("a Service that still calls a TLS port cleartext HTTP/2 fails the check", () => {
  const objects = renderedWith("prod", "Service", "renderer-headless", (service) => {
    service.spec.ports[0].appProtocol = "kubernetes.io/h2c";
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "Service invoicing/renderer-headless port 50053 says appProtocol kubernetes.io/h2c, but Deployment invoicing/renderer container renderer serves TLS there",
  ]);
});

test("TLS on one side of a call only, or certificates from two issuers, fail the check", () => {
  let objects = renderedWith("prod", "ConfigMap", "renderer-config", (map) => {
    for (const name of ["TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_CA_FILE", "TLS_CLIENT_NAMES", "HEALTH_PORT"]) delete map.data[name];
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "invoice → renderer: only the invoice service has TLS on, so the invoice service's calls would fail the handshake",
  ]);
  objects = renderedWith("prod", "Certificate", "notifier-tls", (certificate) => {
    certificate.spec.issuerRef.name = "letsencrypt";
  });
  assert.deepEqual(checkTlsMounts(objects), [
    "the services' certificates come from different issuers (order, invoice, renderer from Issuer invoicing-ca; notifier from Issuer letsencrypt): each trusts only its own CA, so the calls between them would fail",
  ]);
});

import type { X509Certificate } from "node:crypto";

/**
 * Which of the allowed client identities a peer's certificate names, if any. The identity is
 * a DNS subjectAltName, matched exactly: the subject's CN is never read (RFC 6125 retired it
 * for names, and cert-manager always writes SANs) and wildcards never match, so `*.svc`
 * cannot stand for every service. The same names are the certificate's server host names, so
 * one certificate per service is both its server and its client identity.
 */
export function allowedPeerName(certificate: X509Certificate, allowed: readonly string[]): string | undefined {
  return allowed.find((name) => certificate.checkHost(name, { subject: "never", wildcards: false }) !== undefined);
}

/** The DNS names a certificate carries, for the refusal message an operator reads. */
export function certificateDnsNames(certificate: X509Certificate): string[] {
  const names: string[] = [];
  for (const match of (certificate.subjectAltName ?? "").matchAll(/DNS:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = match[1]!;
    names.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return names;
}

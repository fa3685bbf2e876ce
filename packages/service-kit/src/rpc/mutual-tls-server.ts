import http2 from "node:http2";
import type { TLSSocket } from "node:tls";
import { allowedPeerName, certificateDnsNames } from "./peer-identity.js";
import type { ServerTls } from "../config/tls-config.js";
import { TlsIdentitySource } from "./tls-identity-source.js";

type RequestHandler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

/**
 * An HTTP/2 server over TLS that requires a client certificate signed by the configured CA
 * (a peer without one, or with another CA's, fails the handshake) and, when client names are
 * configured, answers PERMISSION_DENIED to a peer whose certificate names another identity.
 * The name check is per connection, after the handshake, so the refused caller gets a status
 * that says why instead of a reset connection. A renewed certificate or CA on disk is taken
 * for the connections that follow (tls-identity-source.ts); those open keep theirs.
 */
export function createMutualTlsServer(
  tls: ServerTls,
  serverOptions: http2.ServerOptions,
  handler: RequestHandler,
): http2.Http2SecureServer {
  const refusals = new WeakMap<http2.Http2Session, string | null>();
  const refusalFor = (session: http2.Http2Session): string | null => {
    let refusal = refusals.get(session);
    if (refusal === undefined) {
      refusal = tls.clientNames ? refusalReason(session.socket as TLSSocket, tls.clientNames) : null;
      refusals.set(session, refusal);
    }
    return refusal;
  };
  const server = http2.createSecureServer(
    {
      ...serverOptions,
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      requestCert: true,
      rejectUnauthorized: true,
      // gRPC needs HTTP/2; a client that cannot negotiate h2 by ALPN is turned away.
      allowHTTP1: false,
      ALPNProtocols: ["h2"],
    },
    (req, res) => {
      if (req.stream.headersSent) return; // already refused (grpc-server.ts's unfinished-request cap)
      const refusal = req.stream.session ? refusalFor(req.stream.session) : "no session";
      if (refusal === null) {
        handler(req, res);
        return;
      }
      refuse(req, res, refusal);
    },
  );
  const source = new TlsIdentitySource(tls);
  const unsubscribe = source.subscribe(({ cert, key, ca }) => server.setSecureContext({ cert, key, ca }));
  server.once("close", unsubscribe);
  return server;
}

function refusalReason(socket: TLSSocket, allowed: readonly string[]): string | null {
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) return "no client certificate";
  if (allowedPeerName(certificate, allowed) !== undefined) return null;
  const names = certificateDnsNames(certificate);
  return `client certificate names ${names.length ? names.join(", ") : "no DNS identity"}; this server accepts ${allowed.join(", ")}`;
}

/** PERMISSION_DENIED in the caller's protocol: trailers-only for gRPC and gRPC-Web, HTTP 403 for Connect. */
function refuse(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, reason: string): void {
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("application/grpc")) {
    req.stream.respond(
      { ":status": 200, "content-type": contentType, "grpc-status": "7", "grpc-message": encodeURIComponent(reason) },
      { endStream: true },
    );
    return;
  }
  res.writeHead(403, { "content-type": "application/json" });
  res.end(JSON.stringify({ code: "permission_denied", message: reason }));
}

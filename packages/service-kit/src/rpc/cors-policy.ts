import { cors } from "@connectrpc/connect";
import type http from "node:http";
import type http2 from "node:http2";
import { ConfigError, type Env } from "../config/env-config.js";

// Which web pages may call a server from a browser. Off by default: the servers' callers are
// services, and a browser's request (which always names its page's Origin) is refused until an
// operator lists that page's origin.

export interface CorsPolicy {
  /** Exact origins ("https://app.example.com"); empty: no browser may call. */
  allowedOrigins: readonly string[];
}

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/;

/** CORS_ALLOWED_ORIGINS: comma-separated origins, scheme and host (and port), no path. */
export function readCorsPolicy(env: Env): CorsPolicy {
  const raw = env["CORS_ALLOWED_ORIGINS"]?.trim() ?? "";
  if (raw === "") return { allowedOrigins: [] };
  const allowedOrigins = raw.split(",").map((origin) => origin.trim());
  for (const origin of allowedOrigins) {
    if (!ORIGIN.test(origin)) {
      throw new ConfigError("CORS_ALLOWED_ORIGINS", `must list origins such as https://app.example.com (no path, no *), got "${origin}"`);
    }
  }
  return { allowedOrigins };
}

export type CorsVerdict =
  /** Go on to the handler, adding these headers to its answer. */
  | { pass: true; headers: Record<string, string> }
  /** Answer now with this status and headers, nothing else. */
  | { pass: false; status: number; headers: Record<string, string> };

const PREFLIGHT_MAX_AGE_S = "7200";

/** What to do with a request given its method and headers. Requests without an Origin pass untouched. */
export function corsVerdict(
  policy: CorsPolicy,
  method: string,
  origin: string | undefined,
  preflightMethod: string | undefined,
): CorsVerdict {
  if (origin === undefined) return { pass: true, headers: {} };
  if (!policy.allowedOrigins.includes(origin)) return { pass: false, status: 403, headers: { vary: "Origin" } };
  const allowed = { "access-control-allow-origin": origin, vary: "Origin" };
  if (method === "OPTIONS" && preflightMethod !== undefined) {
    return {
      pass: false,
      status: 204,
      headers: {
        ...allowed,
        "access-control-allow-methods": cors.allowedMethods.join(", "),
        "access-control-allow-headers": cors.allowedHeaders.join(", "),
        "access-control-max-age": PREFLIGHT_MAX_AGE_S,
      },
    };
  }
  return { pass: true, headers: { ...allowed, "access-control-expose-headers": cors.exposedHeaders.join(", ") } };
}

/** Answers a request CORS refuses, or a preflight, and says so; otherwise adds its headers and returns false. */
export function answeredByCors(
  policy: CorsPolicy,
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
): boolean {
  const preflight = req.headers["access-control-request-method"];
  const verdict = corsVerdict(policy, req.method ?? "", req.headers.origin, typeof preflight === "string" ? preflight : undefined);
  for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
  if (verdict.pass) return false;
  res.writeHead(verdict.status);
  res.end();
  return true;
}

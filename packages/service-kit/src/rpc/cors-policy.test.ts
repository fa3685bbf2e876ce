import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../config/env-config.js";
import { corsVerdict, readCorsPolicy } from "./cors-policy.js";

describe("CORS policy", () => {
  const policy = readCorsPolicy({ CORS_ALLOWED_ORIGINS: "https://app.example.com, http://localhost:5173" });

  it("reads exact origins, none by default, and refuses a wildcard or a path, naming the variable", () => {
    assert.deepEqual(policy.allowedOrigins, ["https://app.example.com", "http://localhost:5173"]);
    assert.deepEqual(readCorsPolicy({}).allowedOrigins, []);
    for (const bad of ["*", "https://app.example.com/", "app.example.com", "https://a.example.com,ftp://b.example.com"]) {
      assert.throws(
        () => readCorsPolicy({ CORS_ALLOWED_ORIGINS: bad }),
        (error: Error) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /CORS_ALLOWED_ORIGINS/);
          return true;
        },
      );
    }
  });

  it("lets a request without an Origin through untouched: services, curl, gRPC clients", () => {
    assert.deepEqual(corsVerdict(policy, "POST", undefined, undefined), { pass: true, headers: {} });
    assert.deepEqual(corsVerdict(readCorsPolicy({}), "POST", undefined, undefined), { pass: true, headers: {} });
  });

  it("answers an allowed origin's preflight with Connect's methods and headers, and marks its requests", () => {
    const preflight = corsVerdict(policy, "OPTIONS", "http://localhost:5173", "POST");
    assert.equal(preflight.pass, false);
    assert.equal(!preflight.pass && preflight.status, 204);
    assert.equal(preflight.headers["access-control-allow-origin"], "http://localhost:5173");
    assert.match(preflight.headers["access-control-allow-headers"] ?? "", /Connect-Protocol-Version/);
    assert.match(preflight.headers["access-control-allow-methods"] ?? "", /POST/);
    const request = corsVerdict(policy, "POST", "https://app.example.com", undefined);
    assert.equal(request.pass, true);
    assert.equal(request.headers["access-control-allow-origin"], "https://app.example.com");
    assert.match(request.headers["access-control-expose-headers"] ?? "", /Grpc-Status/);
  });

  it("refuses any other origin, preflight or request, and every origin when none is allowed", () => {
    for (const verdict of [
      corsVerdict(policy, "OPTIONS", "https://evil.example", "POST"),
      corsVerdict(policy, "POST", "https://evil.example", undefined),
      corsVerdict(readCorsPolicy({}), "OPTIONS", "https://app.example.com", "POST"),
    ]) {
      assert.deepEqual(verdict, { pass: false, status: 403, headers: { vary: "Origin" } });
    }
  });
});

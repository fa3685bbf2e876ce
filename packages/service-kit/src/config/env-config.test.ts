import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, envInt, envOneOf, envPort, envString, envUrl } from "./env-config.js";

describe("env config readers", () => {
  it("fall back to defaults for unset or empty values", () => {
    assert.equal(envString({}, "A", "x"), "x");
    assert.equal(envString({ A: "" }, "A", "x"), "x");
    assert.equal(envInt({}, "N", 5), 5);
    assert.equal(envUrl({}, "U", ["http:"]), undefined);
  });

  it("name the variable in every error", () => {
    assert.throws(
      () => envInt({ N: "abc" }, "N", 1),
      (e: unknown) => e instanceof ConfigError && /N must be a whole number/.test(e.message),
    );
    assert.throws(() => envPort({ ORDER_PORT: "70000" }, "ORDER_PORT", 1), /ORDER_PORT must be at most 65535/);
    assert.throws(() => envInt({ N: "0" }, "N", 1, { min: 1 }), /N must be at least 1/);
    assert.throws(() => envUrl({ SMTP_URL: "nope" }, "SMTP_URL", ["smtp:"]), /SMTP_URL must be a URL/);
    assert.throws(() => envUrl({ SMTP_URL: "http://x" }, "SMTP_URL", ["smtp:"]), /SMTP_URL must use smtp:/);
    assert.throws(() => envOneOf({ E: "zipkin" }, "E", ["otlp", "none"], "none"), /E must be one of otlp, none/);
  });

  it("parse valid values", () => {
    assert.equal(envPort({ P: "0" }, "P", 1), 0);
    assert.equal(envUrl({ U: "smtp://127.0.0.1:25" }, "U", ["smtp:"])?.port, "25");
    assert.equal(envOneOf({ E: "otlp" }, "E", ["otlp", "none"], "none"), "otlp");
  });
});

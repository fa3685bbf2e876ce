import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inheritedServiceEnv } from "./stack-store-env.js";

describe("inheritedServiceEnv", () => {
  it("drops the harness's own MONGODB_URL: the contract suites' server is not the services'", () => {
    const env = inheritedServiceEnv({ PATH: "/bin", MONGODB_URL: "mongodb://contracts/", MONGODB_DATABASE: "c" });
    assert.equal(env["MONGODB_URL"], undefined);
    assert.equal(env["MONGODB_DATABASE"], undefined);
    assert.equal(env["PATH"], "/bin");
  });

  it("gives the services STACK_MONGODB_URL as their MONGODB_URL", () => {
    const env = inheritedServiceEnv({
      MONGODB_URL: "mongodb://contracts/",
      STACK_MONGODB_URL: "mongodb://stack/",
      STACK_MONGODB_DATABASE: "e2e",
    });
    assert.equal(env["MONGODB_URL"], "mongodb://stack/");
    assert.equal(env["MONGODB_DATABASE"], "e2e");
    assert.equal(env["STACK_MONGODB_URL"], undefined);
  });
});

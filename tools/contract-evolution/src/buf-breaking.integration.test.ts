import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { breakingBaseline } from "./breaking-baseline.js";
import { bufBreaking } from "./buf-breaking.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const orderProto = join("proto", "invoicing", "order", "v1", "order.proto");

/** A git repository holding a copy of the real contracts and buf.yaml, committed on main. */
describe("buf breaking against the last commit on main that changed proto/", () => {
  let repo: string;
  let original: string;
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();

  before(() => {
    repo = mkdtempSync(join(tmpdir(), "contract-evolution-"));
    cpSync(join(repoRoot, "proto"), join(repo, "proto"), { recursive: true });
    cpSync(join(repoRoot, "buf.yaml"), join(repo, "buf.yaml"));
    git("init", "--quiet", "--initial-branch=main");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "contracts");
    original = readFileSync(join(repo, orderProto), "utf8");
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  const withOrderProto = (edit: (text: string) => string) => {
    const changed = edit(original);
    assert.notEqual(changed, original, "the edit changed nothing: the test's pattern no longer matches order.proto");
    writeFileSync(join(repo, orderProto), changed);
  };

  it("takes the last commit that changed proto/ as the baseline, not a later one that did not", () => {
    const protoCommit = git("rev-parse", "HEAD");
    writeFileSync(join(repo, "README.md"), "not a contract\n");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "README.md");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "docs");
    assert.equal(breakingBaseline(repo), protoCommit);
    assert.equal(breakingBaseline(mkdtempSync(join(tmpdir(), "not-git-"))), undefined);
  });

  it("passes the contracts unchanged, and a new field", () => {
    assert.deepEqual(bufBreaking(repo, breakingBaseline(repo)!), { ok: true, problems: [] });
    withOrderProto((text) =>
      text.replace(/message GetOrderRequest \{\n/, "message GetOrderRequest {\n  string added_for_the_test = 99;\n"),
    );
    assert.deepEqual(bufBreaking(repo, breakingBaseline(repo)!), { ok: true, problems: [] });
  });

  it("fails a field whose type changed, naming it", () => {
    withOrderProto((text) => text.replace(/string order_id = 1;/, "int64 order_id = 1;"));
    const result = bufBreaking(repo, breakingBaseline(repo)!);
    assert.equal(result.ok, false);
    assert.ok(
      result.problems.some((p) => p.includes('name "order_id"') && p.includes('changed type from "string" to "int64"')),
      result.problems.join("\n"),
    );
  });

  it("fails a method taken away, naming it", () => {
    withOrderProto((text) => text.replace(/ {2}rpc GetOrder\(GetOrderRequest\) returns \(GetOrderResponse\);\n/, ""));
    const result = bufBreaking(repo, breakingBaseline(repo)!);
    assert.equal(result.ok, false);
    assert.ok(
      result.problems.some((p) => p.includes('"GetOrder"')),
      result.problems.join("\n"),
    );
  });
});

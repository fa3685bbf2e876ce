import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./service-process.js";

const cli = join(repoRoot, "tools", "local-stack", "src", "with-ferretdb.ts");
const cwd = join(repoRoot, "tools", "local-stack");

/** Runs `node --input-type=module -e script` under with-ferretdb.ts, where `mongodb` resolves. */
function withFerretDb(script: string) {
  return spawnSync(process.execPath, ["--import", "tsx", cli, process.execPath, "--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, MONGODB_URL: "mongodb://127.0.0.1:1/not-this-one" },
    timeout: 120_000,
  });
}

describe("with-ferretdb", () => {
  it("runs the command with MONGODB_URL at a fresh FerretDB that takes writes, and exits 0 with it", () => {
    const run = withFerretDb(`
      import { MongoClient } from "mongodb";
      const url = process.env.MONGODB_URL;
      if (!/^mongodb:\\/\\/127\\.0\\.0\\.1:\\d+\\/$/.test(url)) throw new Error("MONGODB_URL is " + url);
      const client = new MongoClient(url);
      const notes = client.db("with_ferretdb").collection("notes");
      await notes.insertOne({ note: "seen" });
      const found = await notes.countDocuments({ note: "seen" });
      await client.close();
      if (found !== 1) throw new Error("found " + found);
      console.log("wrote and read at " + url);
    `);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^wrote and read at mongodb:\/\/127\.0\.0\.1:\d+\/$/m);
    const logFile = /\(log: (.+)\)/.exec(run.stderr)?.[1];
    assert.ok(logFile, run.stderr);
    assert.equal(existsSync(logFile), false, "the run's folder is removed after a passing command");
  });

  it("exits with the command's status and keeps FerretDB's log when it fails", () => {
    const run = withFerretDb("process.exit(3)");
    assert.equal(run.status, 3, run.stderr);
    const kept = /FerretDB's log kept at (.+)/.exec(run.stderr)?.[1];
    assert.ok(kept && existsSync(kept), run.stderr);
    rmSync(dirname(kept), { recursive: true, force: true });
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeIntoFolder } from "./folder-on-demand.js";

test("a file lands in a folder that is missing at first, and again after the folder is removed", async () => {
  const root = mkdtempSync(join(tmpdir(), "folder-on-demand-"));
  const folder = join(root, "a", "b");
  await writeIntoFolder(folder, () => writeFile(join(folder, "one"), "1"));
  assert.equal(readFileSync(join(folder, "one"), "utf8"), "1");
  rmSync(join(root, "a"), { recursive: true });
  await writeIntoFolder(folder, () => writeFile(join(folder, "two"), "2"));
  assert.equal(readFileSync(join(folder, "two"), "utf8"), "2");
  rmSync(root, { recursive: true });
});

test("any other failure of the write is the caller's", async () => {
  const root = mkdtempSync(join(tmpdir(), "folder-on-demand-"));
  await assert.rejects(
    writeIntoFolder(root, () => writeFile(root, "a folder is not a file")),
    (error: NodeJS.ErrnoException) => error.code === "EISDIR",
  );
  rmSync(root, { recursive: true });
});

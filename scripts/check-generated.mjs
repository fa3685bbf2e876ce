// Fails when packages/contracts/gen is not what `buf generate` makes from proto/ now: a proto
// changed without regenerating, or someone edited generated code. Fix: `pnpm generate`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const committed = join(root, "packages/contracts/gen");
const fresh = mkdtempSync(join(tmpdir(), "gen-check-"));

const buf = readFileSync(join(root, "buf.gen.yaml"), "utf8");
const opts = [...buf.matchAll(/^\s*-\s*(target=\S+|import_extension=\S+)\s*$/gm)].map((m) => m[1]);
const template = JSON.stringify({
  version: "v2",
  inputs: [{ directory: "proto" }],
  plugins: [{ local: "protoc-gen-es", out: fresh, opt: opts, include_imports: true }],
});
execFileSync("pnpm", ["exec", "buf", "generate", "--template", template], { cwd: root, stdio: "inherit" });

const files = (dir) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
const expected = files(fresh);
const actual = files(committed);
const problems = [];
for (const f of new Set([...expected, ...actual])) {
  if (!expected.includes(f)) problems.push(`extra: ${f}`);
  else if (!actual.includes(f)) problems.push(`missing: ${f}`);
  else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f)))) problems.push(`differs: ${f}`);
}
rmSync(fresh, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(`generated code in ${relative(process.cwd(), committed)} is stale:\n  ${problems.join("\n  ")}\nrun: pnpm generate`);
  process.exit(1);
}
console.log(`generated code is current (${expected.length} files)`);

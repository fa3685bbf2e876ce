// `pnpm -s --filter @invoicing/contract-evolution check`, and a step of the test command: fails
// when proto/ differs from its last state on main in a way that breaks callers (buf breaking,
// FILE rules from buf.yaml: generated code that compiled against the old contracts must still
// compile, and old messages must still decode).
import { join } from "node:path";
import { breakingBaseline } from "./breaking-baseline.js";
import { bufBreaking } from "./buf-breaking.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const baseline = breakingBaseline(repo);
if (!baseline) {
  console.log("contract evolution: not checked: no git history of proto/ here (not a git checkout?)");
  process.exit(0);
}
const result = bufBreaking(repo, baseline);
for (const problem of result.problems) console.log(problem);
console.log(
  result.ok
    ? `contract evolution: proto/ keeps every contract of ${baseline.slice(0, 12)} (the last commit on main that changed it)`
    : `contract evolution: FAILED: ${result.problems.length} changes break callers of the contracts at ${baseline.slice(0, 12)}; a breaking change needs a new package version (invoicing.<x>.v2) beside the old one`,
);
process.exit(result.ok ? 0 : 1);
